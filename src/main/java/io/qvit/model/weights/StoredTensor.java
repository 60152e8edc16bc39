package io.qvit.model.weights;

import io.qvit.QvitException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A tensor of a checkpoint file whose bytes are fetched on demand (a mapped region or a zip entry),
 * so opening a checkpoint costs no more than reading its index.
 */
public final class StoredTensor implements WeightTensor {
    private final Path source;
    private final String name;
    private final int[] shape;
    private final DType dtype;
    private final Supplier<ByteBuffer> data;

    /** {@code data} must return exactly {@code numel * dtype.bytes()} little-endian bytes, row-major. */
    public StoredTensor(Path source, String name, int[] shape, DType dtype, Supplier<ByteBuffer> data) {
        this.source = source;
        this.name = name;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.data = data;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    /** The raw little-endian element bytes, read-only, positioned at 0. */
    public ByteBuffer bytes() {
        ByteBuffer b = data.get().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long expected = numel() * dtype.bytes();
        if (b.remaining() != expected) {
            throw new IllegalStateException(source + ": tensor '" + name + "' yielded " + b.remaining() + " bytes, expected " + expected);
        }
        return b;
    }

    @Override
    public float[] toFloats() {
        if (numel() > Integer.MAX_VALUE - 8) {
            throw new QvitException(source + ": tensor '" + name + "' has " + numel() + " elements, too many for one float array; it cannot be loaded whole");
        }
        ByteBuffer b = bytes();
        float[] out = new float[(int) numel()];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> { for (int i = 0; i < out.length; i++) out[i] = HalfFloats.f16ToF32(b.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < out.length; i++) out[i] = HalfFloats.bf16ToF32(b.getShort(2 * i)); }
            // Casts below round to nearest like C++'s static_cast, which is what .float() does.
            case F64 -> { for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble(8 * i); }
            case I64 -> { for (int i = 0; i < out.length; i++) out[i] = (float) b.getLong(8 * i); }
            case I32 -> { for (int i = 0; i < out.length; i++) out[i] = (float) b.getInt(4 * i); }
            case I16 -> { for (int i = 0; i < out.length; i++) out[i] = b.getShort(2 * i); }
            case I8 -> { for (int i = 0; i < out.length; i++) out[i] = b.get(i); }
            case U8 -> { for (int i = 0; i < out.length; i++) out[i] = b.get(i) & 0xff; }
            case BOOL -> { for (int i = 0; i < out.length; i++) out[i] = b.get(i) != 0 ? 1f : 0f; }
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + java.util.Arrays.toString(shape);
    }
}
