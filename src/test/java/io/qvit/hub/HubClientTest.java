package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {
    private static final HubModelSpec SPEC = HubModelSpec.parse("hf:" + FakeHub.REPO);

    @TempDir
    Path cacheDir;

    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubClient client(boolean offline, Optional<String> token) {
        return client(hub.endpoint(), offline, token);
    }

    private HubClient client(URI endpoint, boolean offline, Optional<String> token) {
        return new HubClient(new HubSettings(cacheDir, endpoint, token, offline, Duration.ofSeconds(2)));
    }

    private HubClient online() {
        return client(false, Optional.empty());
    }

    private Path snapshot() {
        return cacheDir.resolve("hub/timm--vit_tiny_patch16_224.augreg_in21k_ft_in1k/snapshots/" + FakeHub.COMMIT);
    }

    /** Records progress calls as strings, e.g. "start model.safetensors 300000". */
    static final class RecordingProgress implements DownloadProgress {
        final List<String> events = new ArrayList<>();
        long advanced;

        @Override
        public void start(String file, long totalBytes) {
            events.add("start " + file + " " + totalBytes);
        }

        @Override
        public void resumed(long bytesOnDisk) {
            events.add("resumed " + bytesOnDisk);
        }

        @Override
        public void advance(long bytes) {
            assertTrue(bytes > 0);
            advanced += bytes;
        }

        @Override
        public void done() {
            events.add("done " + advanced);
            advanced = 0;
        }
    }

    @Test
    void freshDownloadIsVerifiedAndLaidOutInTheCache() throws IOException {
        RecordingProgress progress = new RecordingProgress();
        ResolvedModel model = online().resolve(SPEC, progress);

        assertEquals(new ResolvedModel(snapshot().resolve("model.safetensors"), snapshot().resolve("config.json"),
                FakeHub.REPO, FakeHub.COMMIT), model);
        assertArrayEquals(hub.weights, Files.readAllBytes(model.weights()));
        assertArrayEquals(hub.config, Files.readAllBytes(model.config()));
        assertEquals(FakeHub.COMMIT, Files.readString(snapshot().resolve("../../refs/main").normalize()));
        assertFalse(Files.exists(snapshot().resolve("model.safetensors.part")));
        assertEquals(List.of("start model.safetensors 300000", "done 300000", "start config.json " + hub.config.length,
                "done " + hub.config.length), progress.events);
        // Weights came through the Hub's 302 from the CDN; config.json was fetched by commit, not "main".
        assertEquals(1, hub.requests("cdn", "GET").size());
        assertEquals(List.of("/" + FakeHub.REPO + "/resolve/main/model.safetensors",
                        "/" + FakeHub.REPO + "/resolve/" + FakeHub.COMMIT + "/config.json"),
                hub.requests("hub", "HEAD").stream().map(FakeHub.Request::path).toList());
    }

    @Test
    void secondResolveIsServedFromTheCacheWithoutDownloading() {
        online().resolve(SPEC, DownloadProgress.none());
        hub.requests.clear();
        RecordingProgress progress = new RecordingProgress();

        ResolvedModel again = online().resolve(SPEC, progress);

        assertEquals(snapshot().resolve("model.safetensors"), again.weights());
        assertEquals(0, hub.requests("hub", "GET").size() + hub.requests("cdn", "GET").size(), "no bodies fetched");
        assertEquals(List.of(), progress.events);
    }

    @Test
    void specPinnedToACachedCommitMakesNoRequestAtAll() {
        online().resolve(SPEC, DownloadProgress.none());
        hub.requests.clear();

        ResolvedModel pinned = online().resolve(HubModelSpec.parse("hf:" + FakeHub.REPO + "@" + FakeHub.COMMIT),
                DownloadProgress.none());

        assertEquals(FakeHub.COMMIT, pinned.revision());
        assertEquals(List.of(), hub.requests);
    }

    @Test
    void interruptedDownloadResumesWithARangeRequest() throws IOException {
        hub.fault = FakeHub.Fault.CUT_HALFWAY;
        QvitException cut = assertThrows(QvitException.class, () -> online().resolve(SPEC, DownloadProgress.none()));
        assertTrue(cut.getMessage().contains("run again to resume"), cut.getMessage());
        long kept = Files.size(snapshot().resolve("model.safetensors.part"));
        assertTrue(kept > 0 && kept < hub.weights.length, "partial file kept: " + kept);

        RecordingProgress progress = new RecordingProgress();
        ResolvedModel model = online().resolve(SPEC, progress);

        List<FakeHub.Request> gets = hub.requests("cdn", "GET");
        assertNull(gets.get(0).range());
        assertEquals("bytes=" + kept + "-", gets.get(1).range());
        assertArrayEquals(hub.weights, Files.readAllBytes(model.weights()));
        assertEquals(List.of("start model.safetensors 300000", "resumed " + kept, "done " + (hub.weights.length - kept)),
                progress.events.subList(0, 3));
    }

    @Test
    void corruptDownloadIsRejectedAndNotLeftInTheCache() throws IOException {
        hub.fault = FakeHub.Fault.CORRUPT;
        QvitException e = assertThrows(QvitException.class, () -> online().resolve(SPEC, DownloadProgress.none()));

        assertTrue(e.getMessage().contains("is corrupt (sha256 is "), e.getMessage());
        assertTrue(e.getMessage().contains("run again to retry"), e.getMessage());
        try (var files = Files.list(snapshot())) {
            assertEquals(List.of("model.safetensors.lock"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertFalse(Files.exists(snapshot().resolve("../../refs/main").normalize()));
        assertArrayEquals(hub.weights, Files.readAllBytes(online().resolve(SPEC, DownloadProgress.none()).weights()));
    }

    @Test
    void stalledDownloadFailsWithinTheTimeoutAndKeepsThePart() {
        hub.fault = FakeHub.Fault.STALL;
        HubClient client = new HubClient(new HubSettings(cacheDir, hub.endpoint(), Optional.empty(), false,
                Duration.ofMillis(300)));
        QvitException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(QvitException.class, () -> client.resolve(SPEC, DownloadProgress.none())));
        assertTrue(e.getMessage().contains("no data received for 300 ms"), e.getMessage());
        assertTrue(Files.exists(snapshot().resolve("model.safetensors.part")));
    }

    @Test
    void offlineUsesTheCacheWithoutTheNetwork() {
        ResolvedModel online = online().resolve(SPEC, DownloadProgress.none());
        URI endpoint = hub.endpoint();
        hub.close();

        assertEquals(online, client(endpoint, true, Optional.empty()).resolve(SPEC, DownloadProgress.none()));
        // Not declared offline, but the Hub is unreachable: the cached copy serves too.
        assertEquals(online, client(endpoint, false, Optional.empty()).resolve(SPEC, DownloadProgress.none()));
    }

    @Test
    void offlineWithoutACacheSaysHowToFillIt() {
        QvitException e = assertThrows(QvitException.class,
                () -> client(true, Optional.empty()).resolve(SPEC, DownloadProgress.none()));
        assertTrue(e.getMessage().startsWith("hf:" + FakeHub.REPO + " is not in the cache " + cacheDir.resolve("hub")),
                e.getMessage());
        assertTrue(e.getMessage().contains("offline mode is on"), e.getMessage());
        assertTrue(e.getMessage().contains("Run once with network access"), e.getMessage());
        assertEquals(List.of(), hub.requests);

        URI endpoint = hub.endpoint();
        hub.close();
        QvitException unreachable = assertThrows(QvitException.class,
                () -> client(endpoint, false, Optional.empty()).resolve(SPEC, DownloadProgress.none()));
        assertTrue(unreachable.getMessage().contains("the Hub at " + endpoint + " cannot be reached or is failing ("),
                unreachable.getMessage());
    }

    @Test
    void unknownRepositoryAndRevisionAreExplained() {
        QvitException repo = assertThrows(QvitException.class,
                () -> online().resolve(HubModelSpec.parse("hf:timm/vit_tiny_patch16_224.nope"), DownloadProgress.none()));
        assertTrue(repo.getMessage().startsWith("no repository timm/vit_tiny_patch16_224.nope on the Hub (HTTP 404"),
                repo.getMessage());
        assertTrue(repo.getMessage().contains("Check the model name; the form is hf:<owner>/<model>[@revision]"));

        QvitException rev = assertThrows(QvitException.class,
                () -> online().resolve(HubModelSpec.parse("hf:" + FakeHub.REPO + "@v9"), DownloadProgress.none()));
        assertTrue(rev.getMessage().contains("revision 'v9' does not exist"), rev.getMessage());
    }

    @Test
    void privateRepositoryNeedsHfTokenWhichNeverReachesTheCdn() throws IOException {
        hub.requiredToken = "hf_secret";
        QvitException e = assertThrows(QvitException.class, () -> online().resolve(SPEC, DownloadProgress.none()));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("for a private or gated repository set HF_TOKEN"), e.getMessage());

        ResolvedModel model = client(false, Optional.of("hf_secret")).resolve(SPEC, DownloadProgress.none());
        assertArrayEquals(hub.weights, Files.readAllBytes(model.weights()));
        assertEquals("Bearer hf_secret", hub.requests("hub", "HEAD").get(1).authorization());
        assertNull(hub.requests("cdn", "GET").get(0).authorization(), "token must not leave the Hub's host");
    }

    @Test
    void gatedRepositoryAsksToAcceptTermsAndSetHfToken() {
        hub.gated = true;
        QvitException e = assertThrows(QvitException.class,
                () -> client(false, Optional.of("hf_other")).resolve(SPEC, DownloadProgress.none()));
        assertTrue(e.getMessage().contains("is gated or private"), e.getMessage());
        assertTrue(e.getMessage().contains("accept its terms at https://huggingface.co/" + FakeHub.REPO), e.getMessage());
        assertTrue(e.getMessage().contains("the HF_TOKEN sent has no access"), e.getMessage());
    }

    @Test
    void concurrentResolvesDownloadOnceAndAgree() throws Exception {
        hub.cdnChunkDelayMillis = 30; // keep the first download going while the second arrives
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<ResolvedModel>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return online().resolve(SPEC, DownloadProgress.none());
            }));
        }
        assertEquals(runs.get(0).get(), runs.get(1).get());
        assertEquals(1, hub.requests("cdn", "GET").size());
        assertArrayEquals(hub.weights, Files.readAllBytes(runs.get(0).get().weights()));
    }
}
