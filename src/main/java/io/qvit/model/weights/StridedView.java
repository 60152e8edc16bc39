package io.qvit.model.weights;

/**
 * Where a pickled tensor's elements lie in its storage (offset, sizes, strides, all in elements),
 * checked against the storage's length so that a lying pickle cannot make qvit read past it or
 * size an array from a made-up number.
 */
final class StridedView {
    final int[] shape;
    final long numel;
    /** First and one-past-last storage element that the view touches. */
    final long first;
    final long end;
    private final long[] stride;

    private StridedView(int[] shape, long numel, long first, long end, long[] stride) {
        this.shape = shape;
        this.numel = numel;
        this.first = first;
        this.end = end;
        this.stride = stride;
    }

    /** The checked view of a storage of {@code storageNumel} elements. */
    static StridedView of(long offset, long[] size, long[] stride, long storageNumel, int elementBytes) throws PickleException {
        if (offset < 0) throw new PickleException("negative storage offset " + offset);
        int[] shape = new int[size.length];
        long numel = 1;
        long last = offset;
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || size[i] > Integer.MAX_VALUE) throw new PickleException("dimension " + size[i] + " is out of range");
                if (stride[i] < 0) throw new PickleException("negative stride " + stride[i]);
                shape[i] = (int) size[i];
                numel = Math.multiplyExact(numel, size[i]);
                if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            if (numel == 0) return new StridedView(shape, 0, offset, offset, stride);
            if (last >= storageNumel) throw new PickleException("view reaches element " + last + " of a storage of " + storageNumel);
            // Stride-0 (expanded) views repeat elements: without this, a few stored bytes could ask for gigabytes.
            if (numel > storageNumel) throw new PickleException("view of " + numel + " elements repeats elements of a storage of "
                    + storageNumel + "; a weights checkpoint holds no expanded views");
            // Both the result and the span read from the storage must fit one Java array.
            long bytes = Math.multiplyExact(Math.max(numel, last + 1 - offset), (long) elementBytes);
            if (bytes > Integer.MAX_VALUE) {
                throw new PickleException("tensor spans over 2 GB of storage, which qvit does not support");
            }
        } catch (ArithmeticException e) {
            throw new PickleException("size or stride is impossibly large");
        }
        return new StridedView(shape, numel, offset, last + 1, stride);
    }

    /** Row-major with no holes, as torch's is_contiguous (size-1 dimensions may have any stride). */
    boolean contiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return numel == 0;
            expected *= shape[i];
        }
        return true;
    }

    /** Copies the view's elements into row-major order; {@code span} holds storage elements [first, end). */
    byte[] gather(byte[] span, int elementBytes) {
        byte[] out = new byte[(int) numel * elementBytes];
        int[] index = new int[shape.length];
        for (int o = 0; o < numel; o++) {
            long src = 0;
            for (int d = 0; d < shape.length; d++) src += index[d] * stride[d];
            System.arraycopy(span, (int) src * elementBytes, out, o * elementBytes, elementBytes);
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return out;
    }
}
