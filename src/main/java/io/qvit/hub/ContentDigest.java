package io.qvit.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The checksum the Hub announces for a file, read from an ETag. LFS files (the weights) carry their
 * SHA-256 in {@code X-Linked-Etag}; small files stored in git (config.json) carry their git blob id,
 * the SHA-1 of {@code "blob <size>\0"} followed by the content.
 */
record ContentDigest(Algorithm algorithm, String hex) {
    enum Algorithm { SHA256, GIT_BLOB_SHA1 }

    /** Parses {@code "abc..."} or {@code W/"abc..."}; empty when the tag is not a hash we can check. */
    static Optional<ContentDigest> fromEtag(String etag) {
        if (etag == null) return Optional.empty();
        String hex = etag.replaceFirst("^W/", "").replace("\"", "").trim().toLowerCase();
        if (!hex.matches("[0-9a-f]+")) return Optional.empty();
        return switch (hex.length()) {
            case 64 -> Optional.of(new ContentDigest(Algorithm.SHA256, hex));
            case 40 -> Optional.of(new ContentDigest(Algorithm.GIT_BLOB_SHA1, hex));
            default -> Optional.empty();
        };
    }

    /** A digest ready to be fed the content of a file of {@code size} bytes. */
    MessageDigest start(long size) {
        try {
            if (algorithm == Algorithm.SHA256) return MessageDigest.getInstance("SHA-256");
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            return sha1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256 and SHA-1", e);
        }
    }

    /** The hex of a finished digest, to compare with {@link #hex()}. */
    static String finish(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    String label() {
        return algorithm == Algorithm.SHA256 ? "sha256" : "git blob sha1";
    }
}
