package io.qvit.quant;

/**
 * A [rows, k] matrix of codes as stored: {@link Int4Packing} at 2 to 4 bits, {@link Int8Packing} at
 * 5 to 8. The format gives the bit width and whether codes are signed (symmetric).
 */
public record PackedCodes(byte[] data, int rows, int k, QuantFormat format) {
    public PackedCodes {
        if (rows < 1 || k < 1) throw new IllegalArgumentException("shape must be positive, got [" + rows + ", " + k + "]");
        if (data.length != rows * rowBytes(format, k)) throw new IllegalArgumentException("data holds " + data.length + " bytes, [" + rows + ", " + k + "] at " + format.bits() + " bits needs " + rows * rowBytes(format, k));
    }

    /** Packs codes that are within the format's range (checked: an out-of-range code would wrap silently). */
    public static PackedCodes pack(int[] codes, int rows, int k, QuantFormat format) {
        if (codes.length != rows * k) throw new IllegalArgumentException(codes.length + " codes for a [" + rows + ", " + k + "] matrix");
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < format.qmin() || codes[i] > format.qmax()) throw new IllegalArgumentException("code " + codes[i] + " at " + i + " is outside " + format);
        }
        byte[] data = format.bits() <= 4 ? Int4Packing.pack(codes, rows, k) : Int8Packing.pack(codes);
        return new PackedCodes(data, rows, k, format);
    }

    public static int rowBytes(QuantFormat format, int k) {
        return format.bits() <= 4 ? Int4Packing.rowBytes(k) : k;
    }

    /** Row r's codes into dst[0..k). */
    public void unpackRow(int r, int[] dst) {
        if (format.bits() <= 4) Int4Packing.unpackRow(data, r, k, format.symmetric(), dst);
        else Int8Packing.unpackRow(data, r, k, format.symmetric(), dst);
    }

    /** All codes, row-major. */
    public int[] unpack() {
        int[] out = new int[rows * k], row = new int[k];
        for (int r = 0; r < rows; r++) {
            unpackRow(r, row);
            System.arraycopy(row, 0, out, r * k, k);
        }
        return out;
    }
}
