package io.qvit.hub;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Puts one verified file into the cache: downloads into {@code <name>.part}, resumes an existing
 * part with a Range request, checks size and checksum, and only then renames it into place. A part
 * that fails the check is deleted (resuming it would only repeat the failure); a part cut short by
 * the network is kept for the next run.
 */
final class FileDownloader {
    private static final int BUFFER = 1 << 16;

    private final HubHttp http;
    private final Duration stallLimit;

    FileDownloader(HubHttp http, Duration stallLimit) {
        this.http = http;
        this.stallLimit = stallLimit;
    }

    /** Ensures {@code target} holds {@code remote}'s verified bytes. */
    void fetch(HubModelSpec spec, RemoteFile remote, Path target, DownloadProgress progress) {
        try {
            Files.createDirectories(target.getParent());
            Path lockFile = target.resolveSibling(remote.name() + ".lock");
            try (CacheLock lock = CacheLock.acquire(lockFile, () -> System.err.println(
                    "waiting for another qvit download of " + target + " to finish"))) {
                if (Files.isRegularFile(target)) return; // the other process finished it
                download(spec, remote, target, progress);
            }
        } catch (IOException e) {
            throw new QvitException("cannot write " + target + " for " + spec + ": " + e.getMessage()
                    + "; check that the cache folder is writable and has space (set QVIT_CACHE to move it)", e);
        }
    }

    private void download(HubModelSpec spec, RemoteFile remote, Path target, DownloadProgress progress)
            throws IOException {
        Path part = target.resolveSibling(remote.name() + ".part");
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > remote.size()) {
            Files.delete(part); // longer than the file can be: not a prefix of it
            have = 0;
        }
        MessageDigest digest = remote.digest().start(remote.size());
        progress.start(remote.name(), remote.size());
        try {
            if (have < remote.size()) {
                have = receive(spec, remote, part, have, digest, progress);
            } else {
                hash(part, digest); // complete from an earlier run that stopped before the rename
            }
        } finally {
            progress.done();
        }
        verify(spec, remote, part, have, digest);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Appends the rest of the file to {@code part}; returns the bytes it then holds. */
    private long receive(HubModelSpec spec, RemoteFile remote, Path part, long have, MessageDigest digest,
                         DownloadProgress progress) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.get(spec, remote, have);
        } catch (IOException e) {
            throw interrupted(spec, remote, part, have, e);
        }
        boolean resuming = have > 0 && response.statusCode() == 206;
        if (resuming) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            if (!range.startsWith("bytes " + have + "-")) {
                response.body().close();
                Files.delete(part);
                throw new QvitException("the server answered a resume of " + remote.url() + " with the wrong range ('"
                        + range + "'); the partial file was deleted: run again to download it afresh");
            }
            hash(part, digest);
            progress.resumed(have);
        } else {
            have = 0; // 200: the server sent the whole file, so start the part over
        }
        try (InputStream in = new StallGuard(response.body(), stallLimit);
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     resuming ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            while (have <= remote.size()) { // one byte past the size is enough to know it is wrong
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw interrupted(spec, remote, part, have, e); // closing "out" keeps what arrived
                }
                if (n < 0) break;
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                have += n;
                progress.advance(n);
            }
        }
        if (have < remote.size()) {
            throw interrupted(spec, remote, part, have, new IOException("the connection ended early"));
        }
        return have;
    }

    private static void verify(HubModelSpec spec, RemoteFile remote, Path part, long have, MessageDigest digest)
            throws IOException {
        String actual = ContentDigest.finish(digest);
        if (have == remote.size() && actual.equals(remote.digest().hex())) return;
        Files.deleteIfExists(part);
        String why = have != remote.size()
                ? "got " + have + " bytes, expected " + remote.size()
                : remote.digest().label() + " is " + actual + ", expected " + remote.digest().hex();
        throw new QvitException("the download of " + remote.name() + " for " + spec + " from " + remote.url()
                + " is corrupt (" + why + "); it was deleted from the cache: run again to retry");
    }

    private static void hash(Path file, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
    }

    private static QvitException interrupted(HubModelSpec spec, RemoteFile remote, Path part, long have,
                                             IOException cause) {
        return new QvitException("the download of " + remote.name() + " for " + spec + " from " + remote.url()
                + " stopped after " + have + " of " + remote.size() + " bytes (" + cause.getMessage()
                + "); the partial file " + part + " is kept: run again to resume", cause);
    }
}
