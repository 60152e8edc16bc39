package io.qvit.quant.reparam;

/** A per-tensor asymmetric quantizer, {@code q = clamp(rint(x / scale) + zeroPoint)}. */
public record TensorQuantRange(float scale, int zeroPoint) {}
