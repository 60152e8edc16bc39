package io.qvit.hub;

import java.net.URI;

/**
 * One file of a repository as the Hub describes it before download.
 *
 * @param name   file name in the repository, e.g. {@code model.safetensors}
 * @param commit the commit hash the revision points to ({@code X-Repo-Commit})
 * @param size   its size in bytes
 * @param digest its checksum
 * @param url    where to GET it, pinned to {@code commit} so all files come from one commit
 */
record RemoteFile(String name, String commit, long size, ContentDigest digest, URI url) {}
