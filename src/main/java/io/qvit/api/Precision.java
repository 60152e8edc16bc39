package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantMethod;
import java.util.Objects;

/**
 * The bits a model runs at: weights and activations, 2 to 8 bits or float, and the post-training
 * quantization method that picks the ranges ({@link #withMethod}; qvit's own by default). The
 * presets are the study's; {@link #of} sets weights and all activations (attention operands and
 * probabilities included). Immutable.
 */
public final class Precision {
    /** No quantization. */
    public static final Precision FP32 = preset("fp32");
    /** 8-bit weights and activations. */
    public static final Precision W8A8 = preset("w8a8");
    /** 6-bit weights and activations. */
    public static final Precision W6A6 = preset("w6a6");
    /** 4-bit weights, 8-bit activations. */
    public static final Precision W4A8 = preset("w4a8");
    /** 8-bit weights, 4-bit activations. */
    public static final Precision W8A4 = preset("w8a4");
    /** 4-bit weights and activations. */
    public static final Precision W4A4 = preset("w4a4");

    private final QuantConfig config;

    private Precision(QuantConfig config) {
        this.config = config;
    }

    /** A preset by name: fp32, w8a8, w6a6, w4a8, w8a4 or w4a4. */
    public static Precision preset(String name) {
        return new Precision(QuantConfig.preset(name));
    }

    /** Weights at {@code weightBits}, activations at {@code activationBits}: each 2 to 8, or 32 for float. */
    public static Precision of(int weightBits, int activationBits) {
        for (int b : new int[] {weightBits, activationBits})
            if (!QuantConfig.isFloat(b) && (b < 2 || b > 8))
                throw new QvitException("bits must be 2 to 8, or 32 for float; got " + b);
        return new Precision(QuantConfig.of(weightBits, activationBits));
    }

    static Precision of(QuantConfig config) {
        return new Precision(config);
    }

    QuantConfig config() {
        return config;
    }

    /**
     * The same bits under another PTQ method: {@code qvit} (the default), {@code repq} (RepQ-ViT) or
     * {@code minmax} (the naive floor); {@link io.qvit.quant.model.QuantMethod} says what each does.
     */
    public Precision withMethod(String method) {
        return new Precision(config.with(QuantMethod.parse(method)));
    }

    /** The PTQ method's name: qvit, repq or minmax. */
    public String method() {
        return config.method().id();
    }

    /** Weight bits, or 32 for float. */
    public int weightBits() {
        return config.weightBits();
    }

    /** Activation bits, or 32 for float. */
    public int activationBits() {
        return config.activationBits();
    }

    /** Whether nothing is quantized. */
    public boolean isFloat() {
        return !config.quantizes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Precision p && p.config.equals(config);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config);
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
