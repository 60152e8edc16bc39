package io.qvit.backend.cuda.emu;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import java.util.Locale;
import java.util.Random;

/**
 * Thread-instructions per second of the emulator on two test kernels (an integer-heavy one and a
 * shared-memory reduction), best of five runs after a warm-up. Run after {@code mvn test-compile}:
 * {@code java -cp target/classes:target/test-classes io.qvit.backend.cuda.emu.EmuThroughput [WORKERS]}.
 */
public final class EmuThroughput {
    private EmuThroughput() {}

    public static void main(String[] args) {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        Random rnd = new Random(1);
        try (EmuDriver d = new EmuDriver(workers)) {
            int n = 1 << 16;
            int[] a = new int[n], b = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt();
                b[i] = rnd.nextInt();
            }
            CudaDriver.Kernel ops = Emu.module(d, "integer_ops.ptx").kernel("integer_ops");
            long pa = Emu.upload(d, a), pb = Emu.upload(d, b), po = d.malloc(64L * n);
            measure(d, "integer_ops", () -> d.launch(ops, Dim3.of(n / 256), Dim3.of(256), 0, new KernelArgs().pointer(pa).pointer(pb).pointer(po).i32(n)));
            CudaDriver.Kernel reduce = Emu.module(d, "reduce_sum.ptx").kernel("reduce_sum");
            long sums = d.malloc(4L * n / 256);
            measure(d, "reduce_sum", () -> d.launch(reduce, Dim3.of(n / 256), Dim3.of(256), 1024, new KernelArgs().pointer(pa).pointer(sums).i32(n)));
        }
    }

    private static void measure(EmuDriver d, String name, Runnable launch) {
        for (int i = 0; i < 3; i++) launch.run();
        double best = 0;
        LaunchProfile p = null;
        for (int i = 0; i < 5; i++) {
            launch.run();
            p = d.lastProfile();
            best = Math.max(best, p.threadInstructions() / p.hostSeconds());
        }
        System.out.printf(Locale.ROOT, "%-12s %,d thread-instructions per launch, best %.1f M thread-instructions/s (%s)%n", name,
                p.threadInstructions(), best / 1e6, d.deviceName());
    }
}
