package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.emu.memory.CtaMemory;
import io.qvit.backend.cuda.emu.program.Space;
import java.util.ArrayList;
import java.util.List;

/**
 * cp.async per thread: copies are queued at issue (their addresses checked then) and performed only
 * when a {@code cp.async.wait_group}/{@code wait_all} covers their group, so a kernel that reads the
 * destination without waiting reads stale or never-written shared memory, which initcheck reports.
 */
final class AsyncCopies {
    private record Copy(long dst, long src, int size, int srcSize, int group) {}

    private final List<List<Copy>> pending = new ArrayList<>();
    private int[] groups = new int[0];

    void reset(int threads) {
        while (pending.size() < threads) pending.add(new ArrayList<>());
        for (int t = 0; t < threads; t++) pending.get(t).clear();
        groups = new int[threads];
    }

    void issue(int thread, long dst, long src, int size, int srcSize) {
        pending.get(thread).add(new Copy(dst, src, size, srcSize, groups[thread]));
    }

    void commit(int thread) {
        groups[thread]++;
    }

    /** Performs the thread's copies in all but the newest {@code keep} committed groups (all copies for wait_all). */
    void waitFor(int thread, int keep, boolean all, CtaMemory memory) {
        if (all) commit(thread);
        int limit = groups[thread] - keep;
        List<Copy> list = pending.get(thread);
        int kept = 0;
        for (int i = 0; i < list.size(); i++) {
            Copy c = list.get(i);
            if (c.group < limit) perform(thread, c, memory);
            else list.set(kept++, c);
        }
        list.subList(kept, list.size()).clear();
    }

    private static void perform(int thread, Copy c, CtaMemory memory) {
        if (c.srcSize == c.size) {
            for (int i = 0; i < c.size; i += 4)
                memory.store(Space.SHARED, c.dst + i, 4, memory.load(Space.GLOBAL, c.src + i, 4, thread), thread);
            return;
        }
        // src-size below cp-size: the rest of the destination is zero-filled
        for (int i = 0; i < c.size; i++)
            memory.store(Space.SHARED, c.dst + i, 1, i < c.srcSize ? memory.load(Space.GLOBAL, c.src + i, 1, thread) : 0, thread);
    }
}
