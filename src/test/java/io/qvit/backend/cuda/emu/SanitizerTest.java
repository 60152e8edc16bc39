package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.exec.Finding;
import io.qvit.backend.cuda.emu.exec.LaunchFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Planted bugs (planted_bugs.cu, and hand-written PTX for the forms nvcc does not write by itself):
 * each sanitizer must catch its bug and name the kernel, block, thread, PTX line and address.
 */
class SanitizerTest {
    private static final String BUGS = "planted_bugs.ptx";

    private static Finding fail(EmuDriver d, String file, String ptx, String kernel, Dim3 grid, Dim3 block, int smem, KernelArgs args) {
        CudaDriver.Kernel k = d.loadModule(file, ptx).kernel(kernel);
        LaunchFailure f = assertThrows(LaunchFailure.class, () -> d.launch(k, grid, block, smem, args));
        List<Finding> all = f.findings();
        assertTrue(f.getMessage().contains(kernel), f.getMessage());
        return all.get(0);
    }

    /** The line of the first instruction in {@code kernel}'s body that starts with {@code opcode}. */
    private static int lineOf(String ptx, String kernel, String opcode) {
        String[] lines = ptx.split("\n", -1);
        int i = 0;
        while (!lines[i].contains(".entry " + kernel + "(")) i++;
        while (!lines[i].strip().startsWith(opcode)) i++;
        return i + 1;
    }

    @Test
    void outOfBoundsWriteIsMemcheck() {
        try (EmuDriver d = new EmuDriver(2)) {
            int n = 100;
            long out = d.malloc(4L * n);
            Finding f = fail(d, BUGS, Emu.ptx(BUGS), "oob_write", Dim3.of(2), Dim3.of(64), 0, new KernelArgs().pointer(out).i32(n));
            assertEquals("memcheck", f.tool());
            assertEquals("(1,0,0)", f.block());
            assertEquals("(36,0,0)", f.thread()); // global index 100 = n
            assertEquals(out + 4L * n, f.address());
            assertEquals(BUGS + ":" + lineOf(Emu.ptx(BUGS), "oob_write", "st.global"), f.where());
            assertTrue(f.message().contains("past the end"), f.message());
        }
    }

    @Test
    void uninitialisedSharedReadIsInitcheck() {
        try (EmuDriver d = new EmuDriver(2)) {
            long out = d.malloc(4L * 64);
            Finding f = fail(d, BUGS, Emu.ptx(BUGS), "uninitialised_read", Dim3.of(1), Dim3.of(64), 0, new KernelArgs().pointer(out));
            assertEquals("initcheck", f.tool());
            assertEquals("(62,0,0)", f.thread()); // reads s[63], which nothing wrote
            assertEquals(BUGS + ":" + lineOf(Emu.ptx(BUGS), "uninitialised_read", "ld.shared"), f.where());
            assertEquals(4 * 63, f.address());
        }
    }

    @Test
    void missingSyncthreadsIsRacecheck() {
        try (EmuDriver d = new EmuDriver(2)) {
            long in = Emu.upload(d, new int[128]), out = d.malloc(8);
            Finding f = fail(d, BUGS, Emu.ptx(BUGS), "missing_syncthreads", Dim3.of(2), Dim3.of(64), 0, new KernelArgs().pointer(in).pointer(out));
            assertEquals("racecheck", f.tool());
            assertTrue(f.message().contains("Race on __shared__"), f.message());
            assertTrue(f.where().startsWith(BUGS + ":"));
            assertTrue(f.instruction().startsWith("ld.shared") || f.instruction().startsWith("st.shared"), f.instruction());
        }
    }

    @Test
    void missingCpAsyncWaitIsInitcheck() {
        try (EmuDriver d = new EmuDriver(2)) {
            long in = Emu.upload(d, new int[512]), out = d.malloc(4L * 512);
            Finding f = fail(d, BUGS, Emu.ptx(BUGS), "missing_cp_async_wait", Dim3.of(1), Dim3.of(128), 0, new KernelArgs().pointer(in).pointer(out));
            assertEquals("initcheck", f.tool());
            assertEquals("(0,0,0)", f.thread());
            assertEquals(BUGS + ":" + lineOf(Emu.ptx(BUGS), "missing_cp_async_wait", "ld.shared"), f.where());
        }
    }

    @Test
    void barrierHalfTheBlockReachesIsADeadlock() {
        try (EmuDriver d = new EmuDriver(2)) {
            long out = d.malloc(4L * 64);
            Finding f = fail(d, BUGS, Emu.ptx(BUGS), "half_barrier", Dim3.of(1), Dim3.of(64), 0, new KernelArgs().pointer(out));
            assertEquals("synccheck", f.tool());
            assertTrue(f.message().contains("deadlock") && f.message().contains("32 of 64 threads arrived") && f.message().contains("32 threads exited"),
                    f.message());
            assertEquals(BUGS + ":" + lineOf(Emu.ptx(BUGS), "half_barrier", "bar.sync"), f.where());
        }
    }

    // ---- hand-written PTX

    private static final String HEADER = ".version 9.0\n.target sm_80\n.address_size 64\n";

    /**
     * Each thread initialises s[tid] before a barrier, then writes s[tid] again, optionally syncs its
     * warp, and reads its neighbour's s[tid ^ 1].
     */
    private static String neighbourExchange(String sync) {
        return HEADER + """
                .visible .entry exchange(.param .u64 out)
                {
                    .reg .b32 %r<8>;
                    .reg .b64 %rd<4>;
                    .shared .align 4 .b8 s[128];
                    mov.u32 %r1, %tid.x;
                    shl.b32 %r2, %r1, 2;
                    mov.u32 %r3, s;
                    add.s32 %r4, %r3, %r2;
                    st.shared.u32 [%r4], 0;
                    bar.sync 0;
                    st.shared.u32 [%r4], %r1;
                """ + sync + """
                    xor.b32 %r5, %r1, 1;
                    shl.b32 %r6, %r5, 2;
                    add.s32 %r6, %r3, %r6;
                    ld.shared.u32 %r7, [%r6];
                    ld.param.u64 %rd1, [out];
                    cvta.to.global.u64 %rd2, %rd1;
                    mul.wide.u32 %rd3, %r1, 4;
                    add.s64 %rd2, %rd2, %rd3;
                    st.global.u32 [%rd2], %r7;
                    ret;
                }
                """;
    }

    @Test
    void lanesOfOneWarpRaceWithoutAWarpSync() {
        try (EmuDriver d = new EmuDriver(1)) {
            long out = d.malloc(4L * 32);
            Finding f = fail(d, "exchange.ptx", neighbourExchange(""), "exchange", Dim3.of(1), Dim3.of(32), 0, new KernelArgs().pointer(out));
            assertEquals("racecheck", f.tool());
            // with bar.warp.sync between the write and the read, the same exchange is clean
            CudaDriver.Kernel k = d.loadModule("exchange_synced.ptx", neighbourExchange("    bar.warp.sync -1;\n")).kernel("exchange");
            d.launch(k, Dim3.of(1), Dim3.of(32), 0, new KernelArgs().pointer(out));
            int[] got = Emu.ints(d, out, 32);
            for (int t = 0; t < 32; t++) assertEquals(t ^ 1, got[t]);
        }
    }

    private static String readAt(String type, String offset) {
        return HEADER + """
                .visible .entry read(.param .u64 p, .param .u64 out)
                {
                    .reg .b64 %rd<4>;
                    .reg .b32 %r<2>;
                    ld.param.u64 %rd1, [p];
                    ld.global.TYPE %r1, [%rd1+OFFSET];
                    ld.param.u64 %rd2, [out];
                    st.global.u32 [%rd2], %r1;
                    ret;
                }
                """.replace("TYPE", type).replace("OFFSET", offset);
    }

    @Test
    void misalignedFreedAndNeverAllocatedReadsAreMemcheck() {
        try (EmuDriver d = new EmuDriver(1)) {
            long buf = Emu.upload(d, new int[] {1, 2, 3, 4}), out = d.malloc(4);
            Finding misaligned = fail(d, "m.ptx", readAt("u32", "2"), "read", Dim3.of(1), Dim3.of(1), 0, new KernelArgs().pointer(buf).pointer(out));
            assertTrue(misaligned.message().startsWith("Misaligned __global__ read of size 4"), misaligned.message());
            assertEquals(buf + 2, misaligned.address());

            long freed = Emu.upload(d, new int[] {5, 6});
            d.free(freed);
            Finding useAfterFree = fail(d, "f.ptx", readAt("u32", "0"), "read", Dim3.of(1), Dim3.of(1), 0, new KernelArgs().pointer(freed).pointer(out));
            assertTrue(useAfterFree.message().contains("freed"), useAfterFree.message());

            Finding wild = fail(d, "w.ptx", readAt("u32", "0"), "read", Dim3.of(1), Dim3.of(1), 0, new KernelArgs().pointer(0x1234_5678L).pointer(out));
            assertTrue(wild.message().contains("never allocated"), wild.message());

            long fresh = d.malloc(16);
            Finding uninit = fail(d, "u.ptx", readAt("u32", "4"), "read", Dim3.of(1), Dim3.of(1), 0, new KernelArgs().pointer(fresh).pointer(out));
            assertEquals("initcheck", uninit.tool());
        }
    }

    @Test
    void sharedOutOfBoundsAndWarpCollectiveAfterExit() {
        String ptx = HEADER + """
                .visible .entry oob_shared()
                {
                    .reg .b32 %r<4>;
                    .shared .align 4 .b8 s[64];
                    mov.u32 %r1, %tid.x;
                    shl.b32 %r2, %r1, 2;
                    mov.u32 %r3, s;
                    add.s32 %r2, %r2, %r3;
                    st.shared.u32 [%r2], %r1;
                    ret;
                }
                .visible .entry vote_after_exit()
                {
                    .reg .b32 %r<4>;
                    .reg .pred %p<3>;
                    mov.u32 %r1, %tid.x;
                    setp.eq.u32 %p1, %r1, 5;
                    @%p1 bra DONE;
                    vote.sync.ballot.b32 %r2, %p1, -1;
                DONE:
                    ret;
                }
                """;
        try (EmuDriver d = new EmuDriver(1)) {
            Finding oob = fail(d, "s.ptx", ptx, "oob_shared", Dim3.of(1), Dim3.of(32), 0, new KernelArgs());
            assertEquals("memcheck", oob.tool());
            assertEquals("(16,0,0)", oob.thread());
            assertTrue(oob.message().contains("out of bounds (this block has 64 bytes"), oob.message());
            Finding vote = fail(d, "v.ptx", ptx, "vote_after_exit", Dim3.of(1), Dim3.of(32), 0, new KernelArgs());
            assertEquals("synccheck", vote.tool());
            assertTrue(vote.message().contains("lane 5") && vote.message().contains("exited"), vote.message());
        }
    }
}
