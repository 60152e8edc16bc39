package io.qvit.backend;

import java.util.List;
import java.util.function.Consumer;

/**
 * Times a backend's kernels one launch at a time at the GEMM shapes of ViT-S and ViT-B and at the
 * shapes of the ops around them, with the peaks they are compared with measured in the same run.
 * Only device backends have one ({@link Backend#kernelBench}).
 */
public interface KernelBench {
    /** The widths of an architecture that set the kernels' shapes, for example ViT-S: 384, 1536, 6 heads, 197 tokens. */
    record Arch(String name, int dim, int mlpDim, int heads, int tokens) {}

    /**
     * @param archs   whose layers give the shapes
     * @param batches images per launch: rows = batch * tokens
     * @param small   every row-wise kernel on {@link #SMALL_ROWS} rows and attention on one image, whatever the batches (for the emulator)
     * @param warmup  untimed launches of each kernel first
     * @param repeats timed launches, of which the median counts
     */
    record Options(List<Arch> archs, List<Integer> batches, boolean small, int warmup, int repeats) {}

    /** Rows of every row-wise shape with {@link Options#small}: one tile row of every GEMM. */
    int SMALL_ROWS = 64;

    /**
     * One kernel at one shape. Times and rates are null where the backend cannot time (the emulator
     * counts instead); {@code fractionOfPeak} is of {@code peak}, a rate measured in the same run.
     *
     * @param kernel             the kernel, for example {@code gemm_int W4A4} or {@code cublas FP16}
     * @param model              the architecture whose layer gave the shape, for example {@code vit_small}
     * @param layer              {@code qkv}, {@code proj}, {@code fc1}, {@code fc2}, or the op
     * @param shape              for example {@code M=12608 N=1152 K=384}
     * @param batch              images whose rows the shape holds (rows = batch * 197), or 0 for the small rows
     * @param medianMs           median time of one launch
     * @param ops                arithmetic operations of one launch (2 per multiply-add)
     * @param bytes              bytes one launch must move at least (each operand read once, each result written once)
     * @param tops               {@code ops / medianMs}, in tera-operations per second
     * @param gbPerS             {@code bytes / medianMs}, in GB/s
     * @param peak               what {@code fractionOfPeak} divides by, for example {@code cublas FP16 best 612 TFLOP/s}
     * @param threadInstructions the emulator's count of executed thread-instructions, else null
     * @param globalBytes        the emulator's count of global-memory bytes moved, else null
     * @param note               why something is missing, or null
     */
    record Result(String kernel, String model, String layer, String shape, int batch, Double medianMs, double ops, double bytes,
                  Double tops, Double gbPerS, Double fractionOfPeak, String peak, Long threadInstructions, Long globalBytes,
                  String note) {}

    /** Runs every kernel at every shape; {@code progress} gets a line per kernel. */
    List<Result> run(Options options, Consumer<String> progress);
}
