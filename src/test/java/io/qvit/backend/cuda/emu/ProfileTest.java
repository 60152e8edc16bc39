package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.program.InstrClass;
import io.qvit.backend.cuda.emu.program.Space;
import org.junit.jupiter.api.Test;

/** The launch profile of reduce_sum, against counts derived from its source (not from a run). */
class ProfileTest {
    @Test
    void reductionCountsFollowFromTheKernel() {
        int block = 64, blocks = 3, n = block * blocks - 5; // the last 5 threads load nothing
        try (EmuDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "reduce_sum.ptx").kernel("reduce_sum");
            long in = Emu.upload(d, new int[n]), out = d.malloc(4L * blocks);
            d.launch(k, Dim3.of(blocks), Dim3.of(block), 4 * block, new KernelArgs().pointer(in).pointer(out).i32(n));
            LaunchProfile p = d.lastProfile();
            int threads = block * blocks;
            // tree levels k = 32, 16, ..., 1: threads t < k read two words and write one
            int treeAccesses = 0;
            for (int s = block / 2; s > 0; s /= 2) treeAccesses += 3 * s;
            long sharedAccesses = blocks * (block + treeAccesses + 1L); // the initial store, the tree, thread 0's read of s[0]
            assertEquals(sharedAccesses, p.instructions(InstrClass.MEMORY_SHARED));
            assertEquals(4 * sharedAccesses, p.bytes(Space.SHARED));
            assertEquals(4L * n + 4L * blocks, p.bytes(Space.GLOBAL)); // each element loaded once, one sum stored per block
            assertEquals(20L * threads, p.bytes(Space.PARAM)); // two pointers and an int per thread
            assertEquals(7L * threads, p.instructions(InstrClass.BARRIER)); // one barrier before the tree, one per level
            assertEquals(7L * blocks, p.barriers());
            assertEquals(blocks, p.ctas());
            assertEquals(0, p.instructions(InstrClass.TENSOR_CORE));
            assertTrue(p.threadInstructions() > p.instructions(InstrClass.INTEGER) && p.instructions(InstrClass.INTEGER) > 0);
            assertTrue(p.toString().contains("memory_shared"), p.toString());
        }
    }
}
