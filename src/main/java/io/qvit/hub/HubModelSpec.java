package io.qvit.hub;

import io.qvit.QvitException;
import java.util.regex.Pattern;

/**
 * A model on the Hugging Face Hub, written {@code hf:<owner>/<model>[@revision]}, for example
 * {@code hf:timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k}. timm's own prefix {@code hf-hub:} is
 * accepted too, so specs can be pasted from timm code. The revision (a branch, tag or commit hash)
 * defaults to {@code main}.
 */
public record HubModelSpec(String repoId, String revision) {
    public static final String DEFAULT_REVISION = "main";
    static final String EXAMPLE = "hf:timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k";

    private static final String[] PREFIXES = {"hf:", "hf-hub:"};
    // The Hub's own rule for owner and repository names; "--" and ".." are forbidden there, which
    // keeps the cache folder name (owner--name) unambiguous.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HubModelSpec {
        if (!validRepoId(repoId) || !validRevision(revision)) {
            throw bad("hf:" + repoId + "@" + revision);
        }
    }

    public static boolean isHubSpec(String spec) {
        return spec != null && prefixOf(spec) != null;
    }

    /** Parses {@code hf:owner/model[@revision]} (or {@code hf-hub:...}). */
    public static HubModelSpec parse(String spec) {
        String prefix = spec == null ? null : prefixOf(spec);
        if (prefix == null) throw bad(spec);
        String rest = spec.substring(prefix.length());
        int at = rest.indexOf('@');
        String repoId = at < 0 ? rest : rest.substring(0, at);
        String revision = at < 0 ? DEFAULT_REVISION : rest.substring(at + 1);
        if (!validRepoId(repoId) || !validRevision(revision)) throw bad(spec);
        return new HubModelSpec(repoId, revision);
    }

    /** True when the revision is a full commit hash, which can never move to other files. */
    public boolean pinned() {
        return COMMIT.matcher(revision).matches();
    }

    @Override
    public String toString() {
        return "hf:" + repoId + (revision.equals(DEFAULT_REVISION) ? "" : "@" + revision);
    }

    private static String prefixOf(String spec) {
        for (String p : PREFIXES) {
            if (spec.startsWith(p)) return p;
        }
        return null;
    }

    private static boolean validRepoId(String repoId) {
        if (repoId == null) return false;
        String[] parts = repoId.split("/", -1);
        if (parts.length != 2) return false;
        for (String part : parts) {
            if (!NAME.matcher(part).matches() || part.contains("--") || part.contains("..")) return false;
        }
        return true;
    }

    private static boolean validRevision(String revision) {
        return revision != null && REVISION.matcher(revision).matches() && !revision.contains("..");
    }

    private static QvitException bad(String spec) {
        return new QvitException("bad model spec '" + spec + "': expected hf:<owner>/<model>[@revision], e.g. "
                + EXAMPLE + " (a timm model name with its pretrained tag; the revision defaults to main)");
    }
}
