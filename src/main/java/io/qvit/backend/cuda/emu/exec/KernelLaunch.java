package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.emu.memory.GlobalMemory;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.program.Program;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one launch: CTAs handed out in index order to {@code workers} threads of a pool, each with its
 * own {@link CtaRunner}. The first findings stop new CTAs from starting; the launch then fails with a
 * {@link LaunchFailure} listing them in CTA order.
 */
public final class KernelLaunch {
    private static final int MAX_REPORTED = 8;

    private KernelLaunch() {}

    public static LaunchProfile run(Program program, GlobalMemory global, byte[] constants, Dim3 grid, Dim3 block, int dynamicShared,
                                    byte[] params, ExecutorService pool, int workers) {
        long ctas = grid.volume();
        AtomicLong next = new AtomicLong();
        LaunchProfile profile = new LaunchProfile(program.name());
        List<FindingException> findings = new ArrayList<>();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        int n = (int) Math.min(workers, ctas);
        for (int w = 0; w < n; w++) {
            futures.add(pool.submit(() -> {
                CtaRunner runner = new CtaRunner(program, global, constants, grid, block, dynamicShared, params);
                try {
                    for (long c = next.getAndIncrement(); c < ctas; c = next.getAndIncrement()) {
                        try {
                            runner.run(c);
                        } catch (FindingException e) {
                            synchronized (findings) {
                                findings.add(e);
                            }
                            next.set(ctas);
                        }
                    }
                } finally {
                    profile.add(runner.counts, runner.bytesMoved(), runner.barriersCompleted, runner.ctasRun);
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CudaException("launch of " + program.name() + " interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) throw r;
                throw new CudaException("launch of " + program.name() + " failed: " + cause);
            }
        }
        profile.finish((System.nanoTime() - start) / 1e9);
        if (!findings.isEmpty()) {
            findings.sort(Comparator.comparingLong(e -> e.cta));
            List<Finding> first = findings.stream().limit(MAX_REPORTED).map(e -> e.finding).toList();
            throw new LaunchFailure(program.name(), grid, block, first, profile);
        }
        return profile;
    }
}
