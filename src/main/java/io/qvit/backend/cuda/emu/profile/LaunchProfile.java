package io.qvit.backend.cuda.emu.profile;

import io.qvit.backend.cuda.emu.program.InstrClass;
import io.qvit.backend.cuda.emu.program.Space;
import java.util.Locale;

/**
 * What one launch did, counted per thread: instructions by class, bytes moved per state space,
 * CTA barriers completed, and the host time the emulation took. No timing of the GPU is implied.
 */
public final class LaunchProfile {
    private final String kernel;
    private final long[] instructions = new long[InstrClass.values().length];
    private final long[] bytes = new long[Space.COUNT];
    private long barriers, ctas;
    private double seconds;

    public LaunchProfile(String kernel) {
        this.kernel = kernel;
    }

    /** Adds the counts of {@code ctaCount} CTAs (thread-safe: CTAs run on several threads). */
    public synchronized void add(long[] instructionsByClass, long[] bytesBySpace, long barriersCompleted, long ctaCount) {
        for (int i = 0; i < instructions.length; i++) instructions[i] += instructionsByClass[i];
        for (int i = 0; i < bytes.length; i++) bytes[i] += bytesBySpace[i];
        barriers += barriersCompleted;
        ctas += ctaCount;
    }

    public void finish(double hostSeconds) {
        this.seconds = hostSeconds;
    }

    public String kernel() {
        return kernel;
    }

    public synchronized long instructions(InstrClass c) {
        return instructions[c.ordinal()];
    }

    public synchronized long threadInstructions() {
        long sum = 0;
        for (long v : instructions) sum += v;
        return sum;
    }

    /** Bytes read and written in a state space ({@link Space}); generic accesses count where they resolved. */
    public synchronized long bytes(int space) {
        return bytes[space];
    }

    public synchronized long barriers() {
        return barriers;
    }

    public synchronized long ctas() {
        return ctas;
    }

    public double hostSeconds() {
        return seconds;
    }

    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "profile of %s: %d CTAs, %d thread-instructions, %d barriers, %.3f s host time (%.1f M thread-instructions/s)%n",
                kernel, ctas, threadInstructions(), barriers, seconds, seconds > 0 ? threadInstructions() / seconds / 1e6 : 0));
        for (InstrClass c : InstrClass.values())
            if (instructions[c.ordinal()] > 0)
                b.append(String.format(Locale.ROOT, "  %-16s %14d instructions%n", c.name().toLowerCase(Locale.ROOT), instructions[c.ordinal()]));
        for (int s = 0; s < Space.COUNT; s++)
            if (bytes[s] > 0) b.append(String.format(Locale.ROOT, "  %-16s %14d bytes%n", Space.name(s), bytes[s]));
        return b.toString();
    }
}
