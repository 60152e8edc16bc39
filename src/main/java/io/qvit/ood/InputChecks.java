package io.qvit.ood;

import io.qvit.QvitException;

/** Shape and finiteness checks shared by the score inputs; messages name the tensor and what to do. */
final class InputChecks {
    private InputChecks() {}

    /**
     * Checks that {@code m} is a non-empty rectangular matrix of finite values with {@code cols}
     * columns ({@code cols < 0}: any, taken from the first row). Returns its column count.
     */
    static int matrix(String tensor, float[][] m, int cols) {
        if (m == null || m.length == 0) throw new QvitException(tensor + " is empty; pass at least one row");
        int width = cols < 0 ? m[0].length : cols;
        if (width == 0) throw new QvitException(tensor + " has rows of length 0");
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null || m[i].length != width) {
                throw new QvitException(tensor + " row " + i + " has " + (m[i] == null ? 0 : m[i].length) + " values, expected "
                        + width + "; all rows must have the same length (" + what(cols) + ")");
            }
            finite(tensor + " row " + i, m[i]);
        }
        return width;
    }

    static void finite(String tensor, float[] v) {
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                throw new QvitException(tensor + " element " + j + " is " + v[j]
                        + "; OOD scores need finite values: check the model's outputs (overflow in a low-bit model?) and its input");
            }
        }
    }

    static void rows(String tensor, float[][] m, int rows, String other) {
        if (m.length != rows) {
            throw new QvitException(tensor + " has " + m.length + " rows but " + other + " has " + rows
                    + "; pass one row per sample to both");
        }
    }

    private static String what(int cols) {
        return cols < 0 ? "the first row's length" : "fixed by the other tensors";
    }
}
