package io.qvit.backend;

import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The operations the ViT graph ({@link io.qvit.model.VisionTransformer}) is written against, float
 * and integer. The CPU backend is the executable specification; every other backend must agree
 * with it (integer results bit for bit). Each op is one kernel (or one fused kernel) of a device
 * backend.
 *
 * <p>Activations are 2-D, row-major {@code [rows, features]} with {@code rows = batch * tokens}
 * (token-major within each image). Float arithmetic is fp32 unless an op says otherwise. Tensors
 * belong to the backend that made them; {@link #fromHost} always copies, so nothing a caller does
 * to its arrays afterwards reaches a tensor.
 */
public interface Backend extends AutoCloseable {
    /** Short name for reports, for example {@code cpu} or {@code cuda:0 (NVIDIA H100)}. */
    String name();

    /** One line for logs and benchmark results: the device and how it is driven (threads, vector width). */
    default String description() {
        return name();
    }

    /** Where it runs, for result files: the device, the driver's version and the clocks where known. */
    default DeviceFacts facts() {
        return new DeviceFacts(description(), "cpu", null);
    }

    /** How to time a sequence of ops on this backend: events on a GPU, the host's clock elsewhere. */
    default DeviceClock clock() {
        return DeviceClock.HOST;
    }

    /**
     * Bytes of device memory the backend holds (tensors in use and cached), or empty for a backend
     * whose tensors live in host memory.
     */
    default OptionalLong deviceBytes() {
        return OptionalLong.empty();
    }

    /** Its kernels one by one at ViT shapes; a backend without kernels of its own says which device to use instead. */
    default KernelBench kernelBench() {
        throw new io.qvit.QvitException("the " + name() + " backend has no kernels of its own to benchmark; use --device cuda or emu");
    }

    /** Copies host data into a new F32 tensor of the given shape. */
    Tensor fromHost(float[] data, int... shape);

    /** Overwrites an F32 tensor's elements with as many host floats (a replayed forward's input). */
    void copyFromHost(float[] data, Tensor dst);

    /** An F32 tensor's elements, row-major, as a new host array. */
    float[] toHost(Tensor t);

    /** An I32 tensor's elements, or a code tensor's codes (one int each, sign-extended), as a new host array. */
    int[] toHostInts(Tensor t);

    /**
     * Uploads a linear layer's packed weight codes {@code [N, K]} with one scale and zero point per
     * row (or one for all); the result lives until closed.
     */
    QuantizedWeights uploadWeights(PackedCodes codes, QuantParams params);

    /**
     * The patch embedding's input as a matrix: images {@code [B,C,H,W]} to one row per patch,
     * {@code [B * (H/patch) * (W/patch), C * patch * patch]}, patches in row-major (y, x) order and
     * columns in the convolution weight's {@code (channel, ky, kx)} order.
     */
    Tensor patchRows(Tensor images, int patch);

    /**
     * Builds the token sequence: for each image, the prefix tokens (class, then distillation;
     * each {@code [1,D]}) followed by its {@code P} patch tokens, plus the position embedding.
     * {@code pos} is {@code [1, P + prefix, D]} when {@code posCoversPrefix}, else {@code [1, P, D]}
     * added to the patches only (DeiT3, timm's {@code no_embed_class}). Returns {@code [B*T, D]}.
     */
    Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix);

    /** Row-wise LayerNorm over the last dimension with biased variance, as torch.nn.LayerNorm. */
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /** {@code y[M,N] = x[M,K] . w[N,K]^T + bias[N]}, as torch.nn.Linear; {@code bias} may be null. */
    Tensor linear(Tensor x, Tensor weight, Tensor bias);

    /**
     * Multi-head self-attention core in fp32: {@code qkv} is {@code [B*T, 3*D]} laid out as timm's
     * {@code qkv.reshape(B, T, 3, heads, D/heads)}; returns {@code softmax(q k^T * scale) v} with the
     * heads concatenated, {@code [B*T, D]}.
     */
    Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale);

    /** Exact (erf) GELU, in place. */
    void geluInPlace(Tensor x);

    /** {@code x += gamma * y} element-wise with gamma broadcast over rows (LayerScale); {@code gamma} may be null (= 1). */
    void addInPlace(Tensor x, Tensor y, Tensor gamma);

    /** Token {@code index} of each image: {@code [B*T, D] -> [B, D]}. */
    Tensor selectToken(Tensor x, int batch, int tokens, int index);

    // ---- integer ops ----

    /**
     * Quantizes F32 rows {@code [rows, K]} as {@code recipe} says (division, rotation, range, codes,
     * packing). A NaN or infinite value is a {@link io.qvit.QvitException}.
     */
    QuantizedRows quantizeRows(Tensor x, RowQuantization recipe);

    /**
     * {@link #quantizeRows}{@code (layerNorm(x, gamma, beta, eps), recipe)} without an F32 tensor in
     * between (the inputs of qkv and fc1): the same codes, scales and zero points, bit for bit.
     */
    QuantizedRows layerNormQuantizeRows(Tensor x, Tensor gamma, Tensor beta, float eps, RowQuantization recipe);

    /**
     * The quantized linear layer {@code y[m,n] = epilogue(acc[m,n])} with the exact zero-point-corrected
     * sum {@code acc = sum_k (qa[m,k] - za[m]) (qw[n,k] - zw[n])} (as {@link io.qvit.quant.IntGemm},
     * the int32 reference) and {@link io.qvit.quant.QuantRules#epilogue}:
     * {@code (float) acc * (sa[m] * sw[n]) + bias[n]}; then, as the epilogue says, GELU, and either
     * a residual add ({@code residual += gamma * y}, in place; returns null) or a new F32 tensor
     * {@code [M, N]}.
     */
    Tensor integerLinear(QuantizedRows x, QuantizedWeights w, Epilogue epilogue);

    /**
     * {@link #integerLinear} whose output rows are quantized again, as {@link #quantizeRows} with
     * {@code next} would (the next layer's input), without an F32 tensor in between.
     */
    QuantizedRows integerLinearRequantized(QuantizedRows x, QuantizedWeights w, Epilogue epilogue, RowQuantization next);

    /**
     * The quantized attention core of {@code qkv [B*T, 3D]} (timm's layout), {@code [B*T, D]} out, per
     * image and head (head-major rows of width {@code d = D / heads}):
     * <ol>
     *   <li>Q and K, when quantized: each row's min-max codes c with scale s and zero point z (or,
     *       where {@link AttentionQuantization#qkPerRow} is false, codes at the calibrated scales); the
     *       score {@code ((float) sum_c (cq - zq)(ck - zk) * (sq * sk)) * (1/sqrt d)} (the sum exact in
     *       integers). In fp32: {@code dot * (1/sqrt d)}, the dot as four interleaved partial sums
     *       {@code (s0 + s1) + (s2 + s3)} over c mod 4, then the tail into s0.</li>
     *   <li>Softmax per row: minus the row maximum, {@code (float) exp} of the difference in double, the
     *       sum of those floats in double in column order, each multiplied by {@code (float) (1 / sum)}.</li>
     *   <li>Probabilities, when quantized, as {@link AttentionQuantization#probCodes} says: each row's
     *       log-sqrt(2) codes at the row's maximum ({@link io.qvit.quant.Log2Quantizer#rowScale}), or
     *       at the calibrated scale with 2^b non-zero levels, replaced by their values
     *       ({@link io.qvit.quant.QuantRules#log2Value}); or uniform codes at the calibrated scale,
     *       replaced by theirs ({@link io.qvit.quant.QuantRules#dequantize}).</li>
     *   <li>{@code out[i] = sum_j p[i][j] * v[j]} in j order, each product and sum rounded to fp32
     *       (no fused multiply-add), zero probabilities skipped; V as its codes minus the zero point
     *       when quantized, the sum then multiplied by V's scale.</li>
     * </ol>
     */
    Tensor quantizedAttention(Tensor qkv, int batch, int tokens, int heads, AttentionQuantization quant);

    /**
     * Prepares {@code work}, ops on tensors that outlive it returning its outputs, to run again and
     * again: a device backend records it once as a graph (CUDA graphs), so that each {@link Replay#run}
     * is one launch instead of one per op; by default each run issues the ops again. The work must
     * not read tensors back to the host, and what it reads must stay open until the replay is closed.
     */
    default Replay prepareReplay(Supplier<List<Tensor>> work) {
        return new ReissuedWork(work);
    }

    @Override
    void close();

    /**
     * What follows the integer linear layer's scale and bias: GELU, then a residual add (LayerScale
     * {@code gamma}, or null for 1). {@code bias}, {@code residual} and {@code gamma} may be null.
     */
    record Epilogue(Tensor bias, boolean gelu, Tensor residual, Tensor gamma) {
        public static Epilogue bias(Tensor bias) {
            return new Epilogue(bias, false, null, null);
        }
    }
}
