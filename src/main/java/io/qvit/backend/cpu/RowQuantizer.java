package io.qvit.backend.cpu;

import io.qvit.QvitException;
import io.qvit.backend.ElementType;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.RowQuantization;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantRules;
import io.qvit.quant.reparam.HadamardRotation;

/** CPU twin of {@link io.qvit.backend.Backend#quantizeRows}: one row at a time, each row on its own. */
final class RowQuantizer {
    private final RowQuantization recipe;
    private final float[] divisors;
    private final int k;
    private final QuantFormat format;
    private final ElementType type;

    RowQuantizer(RowQuantization recipe, float[] divisors, int k) {
        this.recipe = recipe;
        this.divisors = divisors;
        this.k = k;
        this.format = recipe.format();
        this.type = ElementType.codes(format);
        if (recipe.rotate()) HadamardRotation.block(k);
        if (!recipe.perRow() && !(recipe.scale() >= QuantRules.MIN_SCALE && Float.isFinite(recipe.scale())))
            throw new QvitException("a fixed row quantization needs a finite scale of at least 2^-23, got " + recipe.scale());
    }

    /** Empty codes, scales and zero points for m rows. */
    QuantizedRows allocate(int m) {
        return new QuantizedRows(new CpuTensor(type, new byte[m * Codes.rowBytes(type, k)], m, k),
                new CpuTensor(new float[m], m), new CpuTensor(ElementType.I32, new int[m], m), format);
    }

    /** Quantizes rows {@code [from, to)} of out from src, row r read at {@code src[(r - from + srcFirstRow) * k]}. */
    void rows(float[] src, int from, int to, int srcFirstRow, QuantizedRows out) {
        byte[] codes = ((CpuTensor) out.codes()).bytes();
        float[] scales = ((CpuTensor) out.scales()).data();
        int[] zeros = ((CpuTensor) out.zeroPoints()).ints();
        float[] x = new float[k];
        int qmin = format.qmin(), qmax = format.qmax();
        for (int r = from; r < to; r++) {
            int off = (r - from + srcFirstRow) * k;
            if (divisors == null) System.arraycopy(src, off, x, 0, k);
            else for (int c = 0; c < k; c++) x[c] = src[off + c] / divisors[c];
            if (recipe.rotate()) HadamardRotation.rotateInPlace(x, 0, k, HadamardRotation.block(k));
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float v = x[c];
                if (!Float.isFinite(v))
                    throw new QvitException("quantizing rows: row " + r + " has a NaN or infinite value at column " + c + " (" + v
                            + "); quantization needs finite inputs: check the checkpoint and the images");
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float s = recipe.perRow() ? QuantRules.scale(format, lo, hi) : recipe.scale();
            int z = recipe.perRow() ? QuantRules.zeroPoint(format, lo, s) : recipe.zeroPoint();
            scales[r] = s;
            zeros[r] = z;
            for (int c = 0; c < k; c++) Codes.put(codes, type, r, k, c, QuantRules.quantize(x[c], s, z, qmin, qmax));
        }
    }
}
