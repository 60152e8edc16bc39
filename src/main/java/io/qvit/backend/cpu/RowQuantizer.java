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

    private final Kernels kernels;

    RowQuantizer(RowQuantization recipe, float[] divisors, int k, Kernels kernels) {
        this.kernels = kernels;
        this.recipe = recipe;
        this.divisors = divisors;
        this.k = k;
        this.format = recipe.format();
        this.type = ElementType.codes(format);
        if (recipe.rotate()) HadamardRotation.block(k);
        if (!recipe.perRow() && !(recipe.scale() >= QuantRules.MIN_SCALE && Float.isFinite(recipe.scale())))
            throw new QvitException("a fixed row quantization needs a finite scale of at least 2^-23, got " + recipe.scale());
    }

    /**
     * Codes (with their {@link CentredRows}), scales and zero points for m rows, the codes' arrays from
     * {@code pool}: they hold old values until {@link #rows} has written every row.
     */
    QuantizedRows allocate(int m, BufferPool pool) {
        CpuTensor codes = new CpuTensor(type, pool.bytes(m * Codes.rowBytes(type, k)), m, k);
        codes.centred(new CentredRows(pool.floats(m * k), new int[m]));
        codes.pooled(pool);
        return new QuantizedRows(codes, new CpuTensor(new float[m], m), new CpuTensor(ElementType.I32, new int[m], m), format);
    }

    /** Quantizes rows {@code [from, to)} of out from src, row r read at {@code src[(r - from + srcFirstRow) * k]}. */
    void rows(float[] src, int from, int to, int srcFirstRow, QuantizedRows out) {
        CpuTensor codeTensor = (CpuTensor) out.codes();
        byte[] codes = codeTensor.bytes();
        float[] centred = codeTensor.centred().values();
        int[] magnitudes = codeTensor.centred().magnitudes();
        float[] scales = ((CpuTensor) out.scales()).data();
        int[] zeros = ((CpuTensor) out.zeroPoints()).ints();
        float[] x = new float[k];
        int[] q = new int[k + 1];
        float[] range = new float[2];
        int qmin = format.qmin(), qmax = format.qmax(), block = recipe.rotate() ? HadamardRotation.block(k) : 0;
        for (int r = from; r < to; r++) {
            int off = (r - from + srcFirstRow) * k;
            if (divisors == null) System.arraycopy(src, off, x, 0, k);
            else kernels.divide(src, off, divisors, x, k);
            if (block > 0) kernels.rotate(x, k, block);
            kernels.range(x, 0, k, range); // a NaN makes both NaN, an infinity one of them infinite
            float lo = range[0], hi = range[1];
            if (!Float.isFinite(lo) || !Float.isFinite(hi)) throw notFinite(x, r);
            float s = recipe.perRow() ? QuantRules.scale(format, lo, hi) : recipe.scale();
            int z = recipe.perRow() ? QuantRules.zeroPoint(format, lo, s) : recipe.zeroPoint();
            scales[r] = s;
            zeros[r] = z;
            int row = r * k;
            magnitudes[r] = kernels.quantizeCentred(x, 0, k, s, z, qmin, qmax, centred, row, q);
            q[k] = 0; // the padding nibble of an odd K
            kernels.pack(q, k, Codes.packed4(type), codes, r * Codes.rowBytes(type, k));
        }
    }

    private static QvitException notFinite(float[] x, int r) {
        int c = 0;
        while (Float.isFinite(x[c])) c++;
        return new QvitException("quantizing rows: row " + r + " has a NaN or infinite value at column " + c + " (" + x[c]
                + "); quantization needs finite inputs: check the checkpoint and the images");
    }
}
