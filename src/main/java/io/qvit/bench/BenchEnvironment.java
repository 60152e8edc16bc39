package io.qvit.bench;

import io.qvit.backend.DeviceFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * Where and how a bench ran, written into every result.
 *
 * @param commit the {@code QVIT_COMMIT} environment variable, else {@code git rev-parse --short HEAD} in the working folder, else {@code unknown}
 * @param timer  how the times were taken
 */
public record BenchEnvironment(String device, String driver, String clocks, String commit, String date, String java, String timer) {
    public static BenchEnvironment of(DeviceFacts facts, String timer) {
        return new BenchEnvironment(facts.device(), facts.driver(), facts.clocks(), currentCommit(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), System.getProperty("java.vm.name") + " " + Runtime.version(), timer);
    }

    static String currentCommit() {
        String env = System.getenv("QVIT_COMMIT");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{4,40}")) {
                Process dirty = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").redirectErrorStream(true).start();
                String changes = new String(dirty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return dirty.waitFor(5, TimeUnit.SECONDS) && !changes.isEmpty() ? out + "+uncommitted" : out;
            }
        } catch (IOException e) {
            // no git here (the GPU machine): unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
