package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContentDigestTest {
    private static String digestOf(ContentDigest expected, byte[] content) {
        MessageDigest md = expected.start(content.length);
        md.update(content);
        return ContentDigest.finish(md);
    }

    @Test
    void gitBlobIdMatchesGit() {
        // `printf 'hello\n' | git hash-object --stdin`
        ContentDigest d = ContentDigest.fromEtag("\"ce013625030ba8dba906f756967f9e9ca394464a\"").orElseThrow();
        assertEquals(ContentDigest.Algorithm.GIT_BLOB_SHA1, d.algorithm());
        assertEquals(d.hex(), digestOf(d, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void sha256FromLinkedEtagIncludingWeakForm() {
        String sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"; // sha256("hello\n")
        ContentDigest d = ContentDigest.fromEtag("W/\"" + sha.toUpperCase() + "\"").orElseThrow();
        assertEquals(ContentDigest.Algorithm.SHA256, d.algorithm());
        assertEquals(sha, digestOf(d, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void tagsThatAreNotHashesAreIgnored() {
        assertEquals(Optional.empty(), ContentDigest.fromEtag("\"v1-abc\""));
        assertEquals(Optional.empty(), ContentDigest.fromEtag(null));
        assertTrue(ContentDigest.fromEtag("\"" + "a".repeat(32) + "\"").isEmpty());
    }
}
