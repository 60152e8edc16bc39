package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.files.Npy;
import io.qvit.files.NpyArray;
import io.qvit.testsupport.TestRandom;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit emu} on the emulator's test kernels: buffers from and to .npy, findings, and bad options. */
class EmuCommandTest {
    private static final String KERNELS = "src/test/resources/io/qvit/backend/cuda/emu/kernels/";

    private static byte[] ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    @Test
    void runsAReductionFromNpyFiles(@TempDir Path dir) {
        SplittableRandom rnd = TestRandom.random("emuCommand");
        int n = 150, block = 64, blocks = 3;
        int[] in = rnd.ints(n, -5000, 5000).toArray();
        Path input = dir.resolve("in.npy");
        Npy.writeRaw(input, "<i4", ints(in));
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("emu", "--ptx", KERNELS + "reduce_sum.ptx", "--kernel", "reduce_sum", "--grid", "3", "--block", "64,1,1",
                "--smem", "256", "--arg", "in=" + input, "--arg", "sums=i32[3]", "--arg", "n=i32:" + n, "--out", out.toString(), "--threads", "2");
        assertEquals(Main.OK, r.exit(), r.toString());
        assertTrue(r.out().contains("profile of reduce_sum") && r.out().contains("barrier"), r.out());
        NpyArray sums = Npy.read(out.resolve("sums.npy"));
        for (int b = 0; b < blocks; b++) {
            long e = 0;
            for (int i = b * block; i < Math.min(n, (b + 1) * block); i++) e += in[i];
            assertEquals(e, (long) sums.values()[b], "block " + b + TestRandom.seedNote());
        }
        assertArrayEquals(ints(in), Npy.readRaw(out.resolve("in.npy")).data());
    }

    @Test
    void reportsFindingsAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("emu", "--ptx", KERNELS + "planted_bugs.ptx", "--kernel", "oob_write", "--grid", "2", "--block", "64",
                "--arg", "out=i32[100]", "--arg", "n=i32:100", "--out", out.toString());
        assertEquals(Main.FAILED, r.exit(), r.toString());
        assertTrue(r.out().contains("memcheck: Invalid __global__ write") && r.out().contains("block (1,0,0), thread (36,0,0)"), r.out());
        assertFalse(Files.exists(out.resolve("out.npy")));
    }

    @Test
    void badOptionsNameTheOption(@TempDir Path dir) {
        String ptx = KERNELS + "reduce_sum.ptx";
        String[] base = {"emu", "--ptx", ptx, "--kernel", "reduce_sum", "--out", dir.toString()};
        CliRun grid = CliRun.of(concat(base, "--grid", "0", "--block", "64", "--arg", "a=i32[4]", "--arg", "b=i32[1]", "--arg", "n=i32:4"));
        assertEquals(Main.USAGE, grid.exit());
        assertTrue(grid.err().contains("--grid 0"), grid.err());
        CliRun count = CliRun.of(concat(base, "--grid", "1", "--block", "64", "--arg", "a=i32[4]"));
        assertEquals(Main.USAGE, count.exit());
        assertTrue(count.err().contains("has 3 parameters"), count.err());
        CliRun scalar = CliRun.of(concat(base, "--grid", "1", "--block", "64", "--arg", "a=i32[4]", "--arg", "b=i32[1]", "--arg", "n=i64:4"));
        assertEquals(Main.USAGE, scalar.exit());
        assertTrue(scalar.err().contains("--arg n=i64:4") && scalar.err().contains("reduce_sum_param_2"), scalar.err());
        CliRun file = CliRun.of(concat(base, "--grid", "1", "--block", "64", "--arg", "a=missing.npy", "--arg", "b=i32[1]", "--arg", "n=i32:4"));
        assertEquals(Main.USAGE, file.exit());
        assertTrue(file.err().contains("missing.npy: no such file"), file.err());
        CliRun kernel = CliRun.of("emu", "--ptx", ptx, "--kernel", "nope", "--grid", "1", "--block", "1", "--out", dir.toString());
        assertEquals(Main.USAGE, kernel.exit());
        assertTrue(kernel.err().contains("its entries: reduce_sum"), kernel.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
