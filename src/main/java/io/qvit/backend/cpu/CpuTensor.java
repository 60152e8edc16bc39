package io.qvit.backend.cpu;

import io.qvit.backend.ElementType;
import io.qvit.backend.Tensor;
import java.util.Arrays;

/**
 * A tensor of the CPU backend: a row-major array ({@code float[]} for F32, {@code int[]} for I32,
 * {@code byte[]} of packed codes otherwise) and a shape. A tensor used as a GEMM weight also keeps
 * its weight panels ({@link PackedWeights}), made on first use (float weights) or at upload
 * (quantized ones); activation codes keep their {@link CentredRows}, made with them. Using a closed tensor throws {@link IllegalStateException}.
 */
final class CpuTensor implements Tensor {
    private final int[] shape;
    private final ElementType type;
    private Object data;
    private PackedWeights panels;
    /** For code weights: the largest |code - zero point|, which bounds the exact float sums. */
    private float maxAbsCode;
    /** For activation codes: the same codes as the GEMM takes them (see {@link CentredRows}). */
    private CentredRows centred;
    /** Where closing gives the codes and their centred values back; null for a tensor of its own arrays. */
    private BufferPool pool;

    CpuTensor(float[] data, int... shape) {
        this(ElementType.F32, data, shape);
    }

    CpuTensor(ElementType type, Object data, int... shape) {
        this.type = type;
        this.data = data;
        this.shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public ElementType type() {
        return type;
    }

    /** The F32 backing array itself (not a copy). */
    float[] data() {
        return (float[]) storage(ElementType.F32);
    }

    int[] ints() {
        return (int[]) storage(ElementType.I32);
    }

    /** The packed codes of a code tensor. */
    byte[] bytes() {
        Object d = live();
        if (!(d instanceof byte[] b)) throw new IllegalStateException("tensor " + this + " holds no codes");
        return b;
    }

    private Object storage(ElementType expected) {
        Object d = live();
        if (type != expected) throw new IllegalStateException("tensor " + this + " is not " + expected);
        return d;
    }

    /** Overwrites the F32 elements; weight panels made from the old ones are dropped. */
    synchronized void overwrite(float[] src) {
        System.arraycopy(src, 0, data(), 0, src.length);
        panels = null;
    }

    void checkOpen() {
        live();
    }

    private synchronized Object live() {
        if (data == null) throw new IllegalStateException("tensor " + Arrays.toString(shape) + " is closed");
        return data;
    }

    int dim(int i) {
        return shape[i];
    }

    int rank() {
        return shape.length;
    }

    synchronized PackedWeights panels() {
        return panels;
    }

    synchronized void panels(PackedWeights p, float maxAbs) {
        panels = p;
        maxAbsCode = maxAbs;
    }

    synchronized float maxAbsCode() {
        return maxAbsCode;
    }

    synchronized CentredRows centred() {
        return centred;
    }

    synchronized void centred(CentredRows c) {
        centred = c;
    }

    /** Activation codes whose byte array and centred values came from {@code pool}, which gets them back on close. */
    synchronized void pooled(BufferPool p) {
        pool = p;
    }

    @Override
    public synchronized void close() {
        if (pool != null && data != null) {
            pool.release((byte[]) data);
            if (centred != null) pool.release(centred.values());
        }
        data = null;
        panels = null;
        centred = null;
        pool = null;
    }

    @Override
    public String toString() {
        return "CpuTensor " + type + Arrays.toString(shape) + (data == null ? " (closed)" : "");
    }
}
