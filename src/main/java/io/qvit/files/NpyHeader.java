package io.qvit.files;

import io.qvit.QvitException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a {@code .npy} file: the Python dict literal numpy writes after the magic and
 * version, for example {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
 * Parsing takes only the three keys numpy always writes and checks them against what qvit reads.
 */
record NpyHeader(String dtype, int rows, int columns, int dimensions) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy pads the header so the data starts on a 64-byte boundary. */
    private static final int ALIGN = 64;

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /** Bytes per element. */
    int itemSize() {
        return dtype.charAt(2) == '8' ? 8 : 4;
    }

    long count() {
        return (long) rows * columns;
    }

    static NpyHeader parse(Path file, String text) {
        Matcher descr = DESCR.matcher(text), fortran = FORTRAN.matcher(text), shape = SHAPE.matcher(text);
        if (!descr.find() || !fortran.find() || !shape.find())
            throw Npy.bad(file, "the header is not a numpy dict with descr, fortran_order and shape: " + text.strip());
        String dtype = descr.group(1);
        if (dtype.length() == 3 && dtype.charAt(0) == '>')
            throw Npy.bad(file, "big-endian data (" + dtype + ") is not supported; save it with arr.astype('<"
                    + dtype.substring(1) + "')");
        if (!dtype.matches("<[fi][48]"))
            throw Npy.bad(file, "dtype " + dtype + " is not supported; only <f4, <f8, <i4 and <i8 are");
        if (fortran.group(1).equals("True"))
            throw Npy.bad(file, "Fortran-order (column-major) data is not supported; save np.ascontiguousarray(arr)");
        String[] dims = shape.group(1).split(",");
        int n = dims.length;
        if (n > 0 && dims[n - 1].isBlank()) n--; // the trailing comma of (3,)
        if (n < 1 || n > 2)
            throw Npy.bad(file, "shape (" + shape.group(1) + ") has " + n + " dimensions; only 1-D and 2-D arrays are supported");
        int rows = dimension(file, dims[0]), columns = n == 2 ? dimension(file, dims[1]) : 1;
        if ((long) rows * columns > Integer.MAX_VALUE - 8)
            throw Npy.bad(file, "shape (" + shape.group(1) + ") holds more values than one Java array can");
        return new NpyHeader(dtype, rows, columns, n);
    }

    private static int dimension(Path file, String text) {
        String t = text.strip();
        if (t.matches("\\d{1,10}") && Long.parseLong(t) <= Integer.MAX_VALUE) return Integer.parseInt(t);
        throw Npy.bad(file, "shape dimension '" + t + "' is not a whole number below 2^31");
    }

    /** Magic, version 1.0, header length and the padded header, as numpy's {@code format.write_array} writes them. */
    byte[] encode() {
        String shape = dimensions == 1 ? "(" + rows + ",)" : "(" + rows + ", " + columns + ")";
        StringBuilder dict = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }");
        int prefix = MAGIC.length + 2 + 2;
        while ((prefix + dict.length() + 1) % ALIGN != 0) dict.append(' ');
        dict.append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[prefix + text.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1; // version 1.0: a 16-bit header length is plenty for a 1-D or 2-D shape
        out[7] = 0;
        out[8] = (byte) text.length;
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, prefix, text.length);
        return out;
    }
}
