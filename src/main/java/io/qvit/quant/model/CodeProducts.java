package io.qvit.quant.model;

import io.qvit.quant.IntGemm;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;

/**
 * How {@link IntegerOps} multiplies a quantized layer: the zero-point-corrected sums
 * {@code sum_k (qa - za)(qw - zw)} of the input's codes with the layer's weight codes, exactly.
 * The integer model takes them in int32 from packed codes ({@link #int32}, the kernels'
 * reference); the fake-quant simulation from the float GEMM ({@link FloatCodeProducts}). Both give
 * the same integers, so the two models compute the same logits bit for bit.
 */
interface CodeProducts {
    /**
     * @param weight the layer's weight by timm name
     * @param codes  the input's codes {@code [rows, k]}, not yet zero-point-corrected
     * @param pa     their params, per tensor or per row
     * @return the sums {@code [rows, N]}
     */
    int[] sums(String weight, int[] codes, int rows, int k, QuantParams pa);

    /** int32 sums of packed codes by {@link IntGemm}. */
    static CodeProducts int32(QuantizedModel model) {
        return (weight, codes, rows, k, pa) -> {
            QuantizedModel.PackedWeight w = model.packed().get(weight);
            return IntGemm.accumulate(PackedCodes.pack(codes, rows, k, pa.format()), pa, w.codes(), w.params());
        };
    }
}
