package io.qvit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer file's checks and the ratios to it: per architecture (tag ignored), mode and batch; null where the peer has no rate. */
class PeerResultsTest {
    @TempDir
    Path tmp;

    @Test
    void ratiosMatchArchitectureModeAndBatch() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        double eager = 100 + 900 * rnd.nextDouble(), compiled = 100 + 900 * rnd.nextDouble(), ours = 100 + 900 * rnd.nextDouble();
        PeerResults peer = PeerResults.read(write(String.format(Locale.ROOT, """
                {"environment": {"device": "NVIDIA H100", "torch": "2.9"}, "records": [
                 {"model": "deit_small_patch16_224", "mode": "eager", "batch": 256, "images_per_s": %s},
                 {"model": "deit_small_patch16_224", "mode": "compile", "batch": 256, "images_per_s": %s},
                 {"model": "deit_small_patch16_224", "mode": "compile", "batch": 1, "images_per_s": null, "error": "compile failed"}]}
                """, eager, compiled)));
        assertEquals(ours / eager, peer.ratio("deit_small_patch16_224.fb_in1k", PeerResults.EAGER, 256, ours), 1e-12);
        assertEquals(ours / compiled, peer.ratio("deit_small_patch16_224", PeerResults.COMPILE, 256, ours), 1e-12);
        assertNull(peer.ratio("deit_small_patch16_224", PeerResults.COMPILE, 1, ours), "a failed mode gives no ratio");
        assertNull(peer.ratio("deit_small_patch16_224", PeerResults.EAGER, 64, ours), "another batch");
        assertNull(peer.ratio("vit_small_patch16_224", PeerResults.EAGER, 256, ours), "another architecture");
        assertEquals("NVIDIA H100", peer.environment().get("device").asText());

        BenchRecord r = new BenchRecord("deit_small_patch16_224", "w4a4", 256, ours, 2 * ours, 256e3 / ours, null, null, null, null,
                BenchRecord.GRAPHS_NOT_CAPTURED, 5, 1L << 30, 1000, 7000, null, null, java.util.Map.of());
        BenchRecord withPeer = BenchReport.withPeer(java.util.List.of(r), peer).get(0);
        assertEquals(ours / eager, withPeer.ratioVsPytorchFp16Eager(), 1e-12);
        assertEquals(ours / compiled, withPeer.ratioVsTorchCompile(), 1e-12);
        assertEquals(r, withPeer.withRatios(null, null));
    }

    @Test
    void badFilesNameTheFileAndTheRecord() throws IOException {
        String[][] cases = {
            {"not json at all", "not a readable JSON file"},
            {"[1, 2]", "expected an object with 'environment' and 'records'"},
            {"{\"environment\": {}, \"records\": [{\"mode\": \"eager\", \"batch\": 1, \"images_per_s\": 3}]}", "record 0: 'model' must be a non-empty string"},
            {"{\"environment\": {}, \"records\": [{\"model\": \"m\", \"mode\": \"jit\", \"batch\": 1, \"images_per_s\": 3}]}", "record 0: mode 'jit' is neither eager nor compile"},
            {"{\"environment\": {}, \"records\": [{\"model\": \"m\", \"mode\": \"eager\", \"batch\": \"8\", \"images_per_s\": 3}]}", "record 0: 'batch' must be a positive whole number"},
            {"{\"environment\": {}, \"records\": [{\"model\": \"m\", \"mode\": \"eager\", \"batch\": 8, \"images_per_s\": 3},"
                    + " {\"model\": \"m\", \"mode\": \"eager\", \"batch\": 8, \"images_per_s\": -1}]}", "record 1: 'images_per_s' must be a positive number or null"},
        };
        for (String[] c : cases) {
            Path file = write(c[0]);
            QvitException e = assertThrows(QvitException.class, () -> PeerResults.read(file), c[0]);
            assertTrue(e.getMessage().startsWith("--peer " + file + ": ") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    private Path write(String text) throws IOException {
        return Files.writeString(Files.createTempFile(tmp, "peer", ".json"), text);
    }
}
