package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code quantize_rows_kernel1}: divide, rotate, range, quantize and pack each row; see cuda-kernels/quantize_rows.cu. */
public final class QuantizeRows extends Launcher<QuantizeRows.Params> {
    static final int THREADS = 256;
    static final int SHARED_LIMIT = 48 * 1024;

    public QuantizeRows(PtxModules modules) {
        super(modules, "quantize_rows", "quantize_rows_kernel1");
    }

    /** The preconditions of quantize_row.cuh's steps, shared with {@link LayerNormQuantize}; {@code kernel} names the kernel in messages. */
    static void checkRow(String kernel, int k, int rotateBlock, int bits, boolean nibbles, boolean dynamic, float fixedScale, int fixedZeroPoint) {
        if (!dynamic && !(fixedScale >= 0x1p-23f && Float.isFinite(fixedScale)))
            throw new IllegalArgumentException(kernel + ": a fixed scale must be finite and at least 2^-23, got " + fixedScale);
        if (!dynamic && (fixedZeroPoint < 0 || fixedZeroPoint > (1 << bits) - 1))
            throw new IllegalArgumentException(kernel + ": zero point " + fixedZeroPoint + " is outside 0.." + ((1 << bits) - 1));
        if (bits < 2 || bits > 8) throw new IllegalArgumentException(kernel + ": " + bits + " bits; 2 to 8 are supported");
        if (nibbles && (bits > 4 || k % 2 != 0)) throw new IllegalArgumentException(kernel + ": two codes per byte need <= 4 bits and an even K, got " + bits + " bits, K = " + k);
        if (rotateBlock != 0 && (Integer.bitCount(rotateBlock) != 1 || k % rotateBlock != 0))
            throw new IllegalArgumentException(kernel + ": a Hadamard block of " + rotateBlock + " does not tile K = " + k);
        if (4L * k > SHARED_LIMIT) throw new IllegalArgumentException(kernel + ": rows of " + k + " floats do not fit 48 KiB of shared memory");
    }

    /** 1/sqrt(block) in fp32, as HadamardRotation scales (1 without rotation). */
    static float norm(int rotateBlock) {
        return rotateBlock == 0 ? 1f : (float) (1 / Math.sqrt(rotateBlock));
    }

    /**
     * Rows of {@code k} floats, {@code perLine} of them side by side in lines {@code ld} floats apart
     * (1 and k for a plain matrix). {@code divisors} 0 for none; {@code rotateBlock} 0 for no rotation,
     * else a power of two dividing k. Each row's scale and zero point are written to {@code scale} and
     * {@code zeroPoint}: its own min-max ones when dynamic, else {@code fixedScale} and
     * {@code fixedZeroPoint}. A non-finite input sets the int at {@code nonfinite} to 1.
     */
    public record Params(long x, int perLine, int ld, long divisors, int rotateBlock, int rows, int k, int bits,
                         boolean nibbles, boolean dynamic, float fixedScale, int fixedZeroPoint, long scale, long zeroPoint,
                         long codes, long nonfinite) implements Config {
        public Params {
            Grid.positive("quantize_rows", perLine, ld, rows, k);
            for (long a : new long[] {x, scale, zeroPoint, codes, nonfinite}) Grid.address("quantize_rows operand", a);
            if ((long) perLine * k > ld) throw new IllegalArgumentException("quantize_rows: " + perLine + " rows of " + k + " do not fit lines of " + ld);
            if (rows % perLine != 0) throw new IllegalArgumentException("quantize_rows: " + rows + " rows are not whole lines of " + perLine);
            checkRow("quantize_rows", k, rotateBlock, bits, nibbles, dynamic, fixedScale, fixedZeroPoint);
            Grid.checkIndexable("quantize_rows", (long) rows / perLine * ld);
        }

        @Override
        public Dim3 grid() {
            return Dim3.of(rows);
        }

        @Override
        public Dim3 block() {
            return Dim3.of(THREADS);
        }

        @Override
        public int sharedBytes() {
            return 4 * k;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).i32(perLine).i32(ld).pointer(divisors).i32(rotateBlock).f32(norm(rotateBlock)).i32(rows).i32(k)
                    .i32(bits).i32(nibbles ? 1 : 0).i32(dynamic ? 1 : 0).f32(fixedScale).i32(fixedZeroPoint).pointer(scale)
                    .pointer(zeroPoint).pointer(codes).pointer(nonfinite);
        }
    }
}
