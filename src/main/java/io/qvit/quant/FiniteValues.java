package io.qvit.quant;

import io.qvit.QvitException;

/** Rejects NaN and infinite inputs before they can become codes, naming the tensor. */
final class FiniteValues {
    private FiniteValues() {}

    static void require(String tensor, float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new QvitException("tensor '" + tensor + "' has NaN/inf values; first at element " + i + " (" + x[i]
                        + "). Quantization needs finite inputs: check the checkpoint and the calibration images.");
            }
        }
    }
}
