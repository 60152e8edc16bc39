package io.qvit.files;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Headerless little-endian float32 files, as numpy's {@code tofile} writes them (reference inputs and logits). */
public final class RawFloats {
    private RawFloats() {}

    public static float[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** {@code bytes} as floats; {@code what} names them when their length is not a multiple of 4. */
    public static float[] decode(byte[] bytes, String what) {
        if (bytes.length % 4 != 0) throw new QvitException(what + ": " + bytes.length + " bytes is not a whole number of float32 values");
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
