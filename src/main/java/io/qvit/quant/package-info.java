/**
 * Post-training quantization: the executable specification that the CUDA kernels copy.
 *
 * <ul>
 *   <li>{@link io.qvit.quant.QuantRules}: every rounding, clamping, scale and epilogue rule, in one place.
 *   <li>{@link io.qvit.quant.UniformQuantizer} with {@link io.qvit.quant.QuantParams} (uniform codes,
 *       2 to 8 bits, symmetric or asymmetric, per-tensor, per-channel or per-token) and
 *       {@link io.qvit.quant.Log2Quantizer} (log2 and log-sqrt(2) codes for softmax outputs).
 *   <li>Observers that propose ranges from calibration data: {@link io.qvit.quant.MinMaxObserver},
 *       {@link io.qvit.quant.PercentileObserver}, {@link io.qvit.quant.SearchObserver}
 *       ({@link io.qvit.quant.ClippingSearch}).
 *   <li>Storage: {@link io.qvit.quant.Int4Packing}, {@link io.qvit.quant.Int8Packing},
 *       {@link io.qvit.quant.PackedCodes}.
 *   <li>{@link io.qvit.quant.IntGemm}: the integer linear layer with exact zero-point correction.
 * </ul>
 */
package io.qvit.quant;
