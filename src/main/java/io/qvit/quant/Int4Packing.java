package io.qvit.quant;

/**
 * Two codes of at most 4 bits per byte along K (DESIGN.md): in each row, element 2i goes to the
 * low nibble of byte i and element 2i+1 to its high nibble. A row takes {@code (K + 1) / 2} bytes:
 * K is padded to even with a 0 nibble, which adds nothing to an integer dot product and no row
 * sum; rows are not padded. Signed codes are 4-bit two's complement ({@code -8..7}), unsigned ones
 * {@code 0..15}; a GPU layout that wants K in multiples of 32 re-pads when it loads these rows.
 */
public final class Int4Packing {
    private Int4Packing() {}

    public static int rowBytes(int k) {
        return (k + 1) / 2;
    }

    /** Packs row-major [rows, k] codes, each already within its format's range. */
    public static byte[] pack(int[] codes, int rows, int k) {
        int stride = rowBytes(k);
        byte[] out = new byte[rows * stride];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                int nibble = codes[r * k + c] & 0xF;
                out[r * stride + c / 2] |= (byte) ((c & 1) == 0 ? nibble : nibble << 4);
            }
        }
        return out;
    }

    /** Unpacks row r's k codes into dst[0..k); signed nibbles are sign-extended. */
    public static void unpackRow(byte[] packed, int r, int k, boolean signed, int[] dst) {
        int base = r * rowBytes(k);
        for (int c = 0; c < k; c++) {
            int nibble = (packed[base + c / 2] >> ((c & 1) * 4)) & 0xF;
            dst[c] = signed ? (nibble << 28) >> 28 : nibble;
        }
    }
}
