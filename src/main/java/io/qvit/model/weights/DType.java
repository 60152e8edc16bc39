package io.qvit.model.weights;

/** Element types of stored tensors, with their safetensors names and sizes in bytes. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** True for the types a model's float parameters may be stored in. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }
}
