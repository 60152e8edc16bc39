package io.qvit.backend;

import java.util.List;

/**
 * The operations the ViT graph ({@link io.qvit.model.VisionTransformer}) is written against. The
 * CPU backend is the executable specification; every other backend must agree with it.
 *
 * <p>Activations are 2-D, row-major {@code [rows, features]} with {@code rows = batch * tokens}
 * (token-major within each image). All arithmetic is fp32.
 */
public interface Backend extends AutoCloseable {
    /** Short name for reports, for example {@code cpu} or {@code cuda:0 (NVIDIA H100)}. */
    String name();

    /** One line for logs and benchmark results: the device and how it is driven (threads, vector width). */
    default String description() {
        return name();
    }

    /** Copies (or, on the CPU, wraps) host data as a tensor of the given shape. */
    Tensor fromHost(float[] data, int... shape);

    /** The tensor's elements, row-major, as a new host array. */
    float[] toHost(Tensor t);

    /**
     * Convolution with kernel = stride = {@code patch} and no padding, flattened to tokens:
     * images {@code [B,C,H,W]}, weight {@code [D,C,patch,patch]}, bias {@code [D]} give
     * {@code [B * (H/patch) * (W/patch), D]}, patches in row-major (y, x) order as timm's
     * {@code flatten(2).transpose(1, 2)}.
     */
    Tensor patchEmbed(Tensor images, Tensor weight, Tensor bias, int patch);

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
     * Multi-head self-attention core: {@code qkv} is {@code [B*T, 3*D]} laid out as timm's
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

    @Override
    void close();
}
