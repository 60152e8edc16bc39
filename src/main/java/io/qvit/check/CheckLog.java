package io.qvit.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.QvitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where checks report: one line per check on stdout ({@code PASS|FAIL|SKIP  name  detail  (seconds)})
 * and, when a file is given, one JSON object per line appended to it
 * ({@code {"name", "status", "passed", "detail", "seconds"}}, {@code passed} null when skipped), which
 * the device run's report gathers. Each line is written whole as soon as its check ends, so a run cut
 * short keeps every check it finished.
 */
public final class CheckLog {
    /** What a check found: passed or not, and a line saying what was measured. */
    public record Outcome(boolean passed, String detail) {
        public static Outcome pass(String detail) {
            return new Outcome(true, detail);
        }

        public static Outcome fail(String detail) {
            return new Outcome(false, detail);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final List<String> failed = new ArrayList<>();

    /** {@code file} may be null: stdout only. */
    public CheckLog(Path file) {
        this.file = file;
    }

    /** Runs one check and records its outcome; an exception is a failure whose detail is its message. */
    public void run(String name, Supplier<Outcome> check) {
        long t0 = System.nanoTime();
        Outcome o;
        try {
            o = check.get();
        } catch (RuntimeException | AssertionError | LinkageError e) {
            o = Outcome.fail(e.getClass().getSimpleName() + ": " + QvitException.firstLine(e));
        }
        write(name, o.passed ? "pass" : "fail", o.passed, o.detail, (System.nanoTime() - t0) / 1e9);
    }

    /** Records a check that did not run, and why. */
    public void skip(String name, String reason) {
        write(name, "skip", null, "skipped: " + reason, 0);
    }

    /** The names of the checks that failed so far. */
    public List<String> failed() {
        return failed;
    }

    private void write(String name, String status, Boolean passed, String detail, double seconds) {
        if (Boolean.FALSE.equals(passed)) failed.add(name);
        System.out.printf(Locale.ROOT, "%-4s  %-56s %s  (%.1f s)%n", status.toUpperCase(Locale.ROOT), name, detail, seconds);
        System.out.flush();
        if (file == null) return;
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name).put("status", status).put("detail", detail).put("seconds", Math.round(seconds * 1000) / 1000.0);
        if (passed == null) n.putNull("passed");
        else n.put("passed", passed);
        try {
            Files.write(file, (n + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the check log " + file, e);
        }
    }
}
