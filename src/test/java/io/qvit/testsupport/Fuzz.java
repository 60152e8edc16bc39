package io.qvit.testsupport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.QvitException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The fuzz loop shared by the reader fuzz tests. Case {@code i} mutates a real file with the seed
 * {@code TestRandom.SEED + i} and reads the result; the contract is that reading returns or throws a
 * {@link QvitException} whose message names the file, never another exception or error, never a
 * hang (the loop runs under a preemptive timeout), and never a slow or memory-hungry case (each is
 * timed and its heap allocation counted, so a lying size caught only by a 6 GB heap still fails).
 *
 * <p>{@code -Dqvit.fuzz.cases=N} changes the number of cases (the time limit scales with it),
 * {@code -Dqvit.test.seed=S} repeats a run (as for every seeded test, {@link TestRandom}), and
 * {@code -Dqvit.fuzz.replay=S} runs one failing case alone.
 */
public final class Fuzz {
    public static final int CASES = Integer.getInteger("qvit.fuzz.cases", 10_000);
    private static final Long REPLAY = Long.getLong("qvit.fuzz.replay");
    /** Far above what any seed file needs to read; a case over it was sized by a made-up number. */
    private static final Duration SLOW_CASE = Duration.ofSeconds(2);
    private static final long MAX_CASE_BYTES = 512L << 20;

    /** One fuzz target: writes a mutated file, then reads it the way qvit does. */
    public interface Target {
        /** Writes one mutant under {@code dir} (logging what was done through {@code m}) and returns its path. */
        Path write(Mutator m, Path dir) throws Exception;

        /** Reads the file completely; must return normally or throw a QvitException naming it. */
        void read(Path file) throws Exception;
    }

    private Fuzz() {}

    /** Runs {@link #CASES} cases (or the replayed one) within {@code limitPer10k} per 10,000 cases. */
    public static void run(String name, Path dir, Duration limitPer10k, Target target) {
        long first = REPLAY != null ? REPLAY : TestRandom.SEED;
        int cases = REPLAY != null ? 1 : CASES;
        Duration limit = limitPer10k.multipliedBy(Math.max(1, (cases + 9_999) / 10_000));
        String[] current = {"before the first case"};
        assertTimeoutPreemptively(limit, () -> {
            long start = System.nanoTime(), cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(), slowest = 0;
            int refused = 0;
            for (int i = 0; i < cases; i++) {
                long seed = first + i;
                Mutator m = new Mutator(new SplittableRandom(seed));
                Path file = target.write(m, dir);
                current[0] = describe(name, seed, m);
                long t0 = System.nanoTime(), a0 = allocated();
                try {
                    target.read(file);
                } catch (QvitException e) {
                    String msg = String.valueOf(e.getMessage());
                    assertTrue(msg.contains(file.toString()) && msg.length() > file.toString().length() + 10,
                            () -> current[0] + ": message does not name the file and the problem: " + msg);
                    refused++;
                } catch (Throwable t) {
                    fail(current[0] + ": threw " + t, t);
                }
                long nanos = System.nanoTime() - t0, bytes = allocated() - a0;
                slowest = Math.max(slowest, nanos);
                if (nanos > SLOW_CASE.toNanos()) fail(current[0] + ": took " + nanos / 1_000_000 + " ms");
                if (bytes > MAX_CASE_BYTES) fail(current[0] + ": allocated " + (bytes >> 20) + " MB reading a " + file.toFile().length() + "-byte file");
            }
            // CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
            System.out.printf("%s fuzz: %d cases in %.1f s (%.1f s CPU), %d read, %d refused cleanly, slowest %d ms (seed %d)%n", name,
                    cases, (System.nanoTime() - start) / 1e9, (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9,
                    cases - refused, refused, slowest / 1_000_000, first);
        }, () -> "timed out in " + current[0]);
    }

    private static String describe(String name, long seed, Mutator m) {
        return name + " case seed " + seed + " (-Dqvit.fuzz.replay=" + seed + " repeats it) [" + m.log() + "]";
    }

    /** Heap bytes this thread has allocated, where the JVM counts them (HotSpot does); else 0, which turns the check off. */
    private static long allocated() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : 0;
    }
}
