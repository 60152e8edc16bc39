package io.qvit.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool that runs numbered tasks. Each task runs on exactly one thread, so an op whose tasks
 * write disjoint outputs gives the same bits whatever the thread count; only which thread runs a
 * task varies.
 */
final class Parallel implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = threads;
        // The caller works too, so the pool needs one thread fewer.
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "qvit-cpu");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body.accept(task)} for every task in {@code [0, tasks)} and waits for all of them. */
    void forEach(int tasks, IntConsumer body) {
        int helpers = Math.min(threads, tasks) - 1;
        if (helpers <= 0) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        // Tasks are handed out on demand: rows of unequal cost still balance across threads.
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int t; (t = next.getAndIncrement()) < tasks; ) body.accept(t);
        };
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int i = 0; i < helpers; i++) futures.add(pool.submit(worker));
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for CPU workers", e);
            }
        }
        if (failure != null) throw failure;
    }

    /** Splits {@code [0, n)} into chunks of {@code grain} and runs {@code body.run(from, to)} on each. */
    void forRange(int n, int grain, RangeBody body) {
        forEach((n + grain - 1) / grain, t -> body.run(t * grain, Math.min(n, (t + 1) * grain)));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
