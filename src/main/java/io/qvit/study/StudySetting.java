package io.qvit.study;

import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantMethod;

/**
 * The name of one cell's setting, a precision under a method: {@code fp32}; a preset under qvit's
 * method by the preset's name alone ({@code w8a8}, as before methods existed, so cached cells
 * stay valid); under another method {@code METHOD-PRESET} ({@code repq-w4a4}). It names the
 * cell's folder and its rows in the report.
 */
final class StudySetting {
    private StudySetting() {}

    static String name(String precision, QuantMethod method) {
        return precision.equals(StudyPlan.FP32) || method == QuantMethod.QVIT ? precision : method.id() + "-" + precision;
    }

    /** The preset of a setting. */
    static String precision(String setting) {
        return setting.substring(setting.indexOf('-') + 1);
    }

    /** The method of a setting, null for fp32. */
    static QuantMethod method(String setting) {
        if (setting.equals(StudyPlan.FP32)) return null;
        int dash = setting.indexOf('-');
        return dash < 0 ? QuantMethod.QVIT : QuantMethod.parse(setting.substring(0, dash));
    }

    /** The quantization of a quantized setting. */
    static QuantConfig config(String setting) {
        return QuantConfig.preset(precision(setting)).with(method(setting));
    }
}
