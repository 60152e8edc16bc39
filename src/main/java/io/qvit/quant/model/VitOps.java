package io.qvit.quant.model;

import io.qvit.backend.Tensor;

/**
 * The parts of a quantized ViT's forward that differ between simulation and integer execution:
 * the matrix products (with their quantized inputs) and the attention core. LayerNorm, GELU,
 * residual additions and the token assembly are the same float code in both ({@link QuantVit}).
 */
interface VitOps {
    /** The patch embedding of preprocessed images {@code [batch, 3, S, S]}: {@code [batch * patches, D]}. */
    Tensor patchEmbed(float[] images, int batch);

    /** {@code x W^T + b} of a layer (block ignored for the head); x {@code [rows, K]} stays open, the caller's. */
    Tensor linear(WeightLayer layer, int block, Tensor x);

    /** {@code softmax(Q K^T / sqrt(d)) V} of a block, qkv {@code [batch * tokens, 3D]} to {@code [batch * tokens, D]}. */
    Tensor attention(int block, Tensor qkv, int batch);
}
