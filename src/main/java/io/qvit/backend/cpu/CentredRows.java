package io.qvit.backend.cpu;

/**
 * Rows of activation codes as the integer product's float GEMM takes them, written by
 * {@link RowQuantizer} beside the packed codes so that no call unpacks them again.
 *
 * @param values     {@code [rows, K]}: each code minus its row's zero point, a small integer held exactly
 * @param magnitudes {@code [rows]}: each row's sum of |code - zero point| (at most 255 K, exact in int),
 *                   which bounds every partial sum of the row's products
 */
record CentredRows(float[] values, int[] magnitudes) {}
