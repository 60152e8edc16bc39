package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.emu.memory.MemoryFault;
import java.util.Arrays;

/**
 * The 16 named CTA barriers: {@code bar.sync}/{@code barrier.sync} (arrive and wait), {@code bar.arrive}
 * (arrive only) and {@code bar.red} (arrive, wait, and reduce a predicate). A barrier completes when
 * its expected number of threads (the count operand, or the whole CTA) have arrived.
 */
final class Barriers {
    static final int COUNT = 16;
    private final int[] expected = new int[COUNT], arrived = new int[COUNT], waiting = new int[COUNT];
    private final int[][] waiters = new int[COUNT][];
    /** bar.red: the reduction's running value and operation per barrier; the destination slot per waiting thread. */
    private final int[] reduction = new int[COUNT], reduceOp = new int[COUNT];
    private int[] destination = new int[0];
    private int threads;

    void reset(int threads) {
        this.threads = threads;
        Arrays.fill(expected, 0);
        Arrays.fill(arrived, 0);
        Arrays.fill(waiting, 0);
        Arrays.fill(reduceOp, -1);
        for (int i = 0; i < COUNT; i++) if (waiters[i] == null || waiters[i].length < threads) waiters[i] = new int[threads];
        if (destination.length < threads) destination = new int[threads];
    }

    /**
     * A thread arrives at barrier {@code id} expecting {@code count} threads (-1: the whole CTA); it waits
     * unless {@code arriveOnly}. For bar.red, {@code op} is popc/and/or (0..2) and {@code slot} its destination.
     */
    void arrive(int thread, long id, long count, boolean arriveOnly, int op, boolean predicate, int slot) {
        if (id < 0 || id >= COUNT) throw new MemoryFault("synccheck", "barrier id " + id + " is not in 0..15", 0);
        int b = (int) id;
        int want = count < 0 ? threads : (int) count;
        if (count >= 0 && (count % 32 != 0 || count == 0 || count > roundedThreads()))
            throw new MemoryFault("synccheck", "barrier " + b + " thread count " + count + " must be a positive multiple of 32 up to the block's "
                    + roundedThreads(), 0);
        if (arrived[b] > 0 && expected[b] != want)
            throw new MemoryFault("synccheck", "barrier " + b + " reached with thread count " + want + " while earlier arrivals expect " + expected[b], 0);
        expected[b] = want;
        arrived[b]++;
        if (op >= 0) {
            if (reduceOp[b] < 0) reduction[b] = op == 1 ? 1 : 0;
            reduceOp[b] = op;
            reduction[b] = op == 0 ? reduction[b] + (predicate ? 1 : 0) : op == 1 ? reduction[b] & (predicate ? 1 : 0) : reduction[b] | (predicate ? 1 : 0);
            destination[thread] = slot;
        }
        if (!arriveOnly) waiters[b][waiting[b]++] = thread;
    }

    private int roundedThreads() {
        return (threads + 31) / 32 * 32;
    }

    /** Barriers whose expected arrivals are complete, in id order; -1 when none. */
    int ready() {
        for (int b = 0; b < COUNT; b++) if (arrived[b] > 0 && arrived[b] >= Math.min(expected[b], threads)) return b;
        return -1;
    }

    int[] waiters(int b) {
        return waiters[b];
    }

    int waitingCount(int b) {
        return waiting[b];
    }

    boolean wholeCta(int b) {
        return waiting[b] == threads;
    }

    /** bar.red's result for barrier {@code b}, or -1 when it is a plain barrier; the destination slot of a thread. */
    int reduction(int b) {
        return reduceOp[b] < 0 ? -1 : reduction[b];
    }

    int destination(int thread) {
        return destination[thread];
    }

    void release(int b) {
        arrived[b] = 0;
        waiting[b] = 0;
        expected[b] = 0;
        reduceOp[b] = -1;
    }

    /** For deadlock reports: {@code arrived/expected} of barrier b, or null when nobody waits there. */
    String state(int b) {
        return arrived[b] == 0 ? null : "barrier " + b + ": " + arrived[b] + " of " + Math.min(expected[b], threads) + " threads arrived";
    }
}
