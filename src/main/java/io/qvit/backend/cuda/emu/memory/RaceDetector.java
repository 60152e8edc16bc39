package io.qvit.backend.cuda.emu.memory;

import java.util.Arrays;

/**
 * racecheck for one CTA's shared memory. Per byte it remembers the last writer and one reader (thread
 * and the CTA's sync time then). Two accesses by different threads, one a write, race unless a sync
 * both threads took part in lies between them: a CTA barrier both passed after the first access, or a
 * warp collective ({@code bar.warp.sync}, {@code shfl.sync}, {@code vote.sync} ...) whose member mask
 * held both. Lanes of one warp are not ordered by anything else (independent thread scheduling).
 */
final class RaceDetector {
    private int[] writer = new int[0], writeTime = new int[0], reader = new int[0], readTime = new int[0];
    private int[] lastBarrier = new int[0];
    private int time = 1;
    /** Per warp: the times and member masks of its collectives since the last CTA-wide barrier. */
    private int[][] warpTimes = new int[0][], warpMasks = new int[0][];
    private int[] warpEvents = new int[0];

    void reset(int bytes, int threads) {
        if (writer.length < bytes) {
            writer = new int[bytes];
            writeTime = new int[bytes];
            reader = new int[bytes];
            readTime = new int[bytes];
        }
        Arrays.fill(writer, 0, bytes, -1);
        Arrays.fill(reader, 0, bytes, -1);
        if (lastBarrier.length < threads) lastBarrier = new int[threads];
        Arrays.fill(lastBarrier, 0, threads, 0);
        int warps = (threads + 31) / 32;
        if (warpTimes.length < warps) {
            warpTimes = new int[warps][16];
            warpMasks = new int[warps][16];
            warpEvents = new int[warps];
        }
        Arrays.fill(warpEvents, 0);
        time = 1;
    }

    /** A barrier completed for these threads; {@code all} when every thread of the CTA took part. */
    void barrier(int[] threads, int count, boolean all) {
        time++;
        for (int i = 0; i < count; i++) lastBarrier[threads[i]] = time;
        if (all) Arrays.fill(warpEvents, 0);
    }

    /** A warp collective completed for the lanes in {@code mask}. */
    void warpSync(int warp, int mask) {
        time++;
        int n = warpEvents[warp];
        if (n == warpTimes[warp].length) {
            warpTimes[warp] = Arrays.copyOf(warpTimes[warp], 2 * n);
            warpMasks[warp] = Arrays.copyOf(warpMasks[warp], 2 * n);
        }
        warpTimes[warp][n] = time;
        warpMasks[warp][n] = mask;
        warpEvents[warp] = n + 1;
    }

    /** A thread description of the earlier access when it races with this one, else null. */
    int read(int offset, int thread) {
        int w = writer[offset];
        if (w >= 0 && w != thread && !ordered(w, writeTime[offset], thread)) return w;
        int r = reader[offset];
        if (r < 0 || r == thread || ordered(r, readTime[offset], thread)) {
            reader[offset] = thread;
            readTime[offset] = time;
        }
        return -1;
    }

    /** The earlier thread this write races with, or -1. Sets the write as the last one. */
    int write(int offset, int thread) {
        int w = writer[offset];
        if (w >= 0 && w != thread && !ordered(w, writeTime[offset], thread)) return w;
        int r = reader[offset];
        if (r >= 0 && r != thread && !ordered(r, readTime[offset], thread)) return r;
        writer[offset] = thread;
        writeTime[offset] = time;
        reader[offset] = -1;
        return -1;
    }

    /** Whether an access by {@code first} at {@code at} happens before {@code second}'s access now. */
    private boolean ordered(int first, int at, int second) {
        if (lastBarrier[second] > at && lastBarrier[first] > at) return true;
        int warp = first >> 5;
        if (warp != second >> 5) return false;
        int both = 1 << (first & 31) | 1 << (second & 31);
        int[] times = warpTimes[warp], masks = warpMasks[warp];
        for (int i = warpEvents[warp] - 1; i >= 0 && times[i] > at; i--)
            if ((masks[i] & both) == both) return true;
        return false;
    }
}
