package io.qvit.quant.model;

import io.qvit.QvitException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One quantization setting: the bit widths and the {@link QuantMethod} that chooses the ranges;
 * {@link #FLOAT} (32) leaves that group of tensors in fp32, so each group can be switched off on its
 * own. Which tensor falls in which group is {@link Site}'s and {@link WeightLayer}'s business.
 *
 * @param weightBits    every linear layer's weights (qkv, proj, fc1, fc2, head; the patch embedding's
 *                      never below {@link #PATCH_WEIGHT_BITS})
 * @param activationBits the inputs of those layers except the patch embedding's
 * @param attentionBits Q, K and V, the operands of Q·K^T and P·V
 * @param softmaxBits   the post-softmax probabilities P
 * @param method        how the ranges are chosen
 */
public record QuantConfig(int weightBits, int activationBits, int attentionBits, int softmaxBits, QuantMethod method) {
    public static final int FLOAT = 32;
    /** The patch embedding's input (the normalised image) whenever activations are quantized, by every method (RepQ-ViT's too). */
    public static final int PATCH_INPUT_BITS = 8;
    /** The least bits of the patch embedding's weights under {@link QuantMethod#QVIT} ({@link WeightLayer#bits}). */
    public static final int PATCH_WEIGHT_BITS = 8;

    private static final Map<String, QuantConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("fp32", new QuantConfig(FLOAT, FLOAT, FLOAT, FLOAT));
        for (String p : new String[] {"w8a8", "w6a6", "w4a8", "w8a4", "w4a4"}) {
            int w = p.charAt(1) - '0', a = p.charAt(3) - '0';
            PRESETS.put(p, of(w, a));
        }
    }

    public QuantConfig {
        check("weight", weightBits);
        check("activation", activationBits);
        check("attention", attentionBits);
        check("softmax", softmaxBits);
        if (method == null) throw new QvitException("no quantization method; methods: " + QuantMethod.names());
    }

    /** qvit's own method. */
    public QuantConfig(int weightBits, int activationBits, int attentionBits, int softmaxBits) {
        this(weightBits, activationBits, attentionBits, softmaxBits, QuantMethod.QVIT);
    }

    /** The same bits under another method. */
    public QuantConfig with(QuantMethod m) {
        return new QuantConfig(weightBits, activationBits, attentionBits, softmaxBits, m);
    }

    /** Weights at w bits, every activation (attention operands and probabilities included) at a bits. */
    public static QuantConfig of(int w, int a) {
        return new QuantConfig(w, a, a, a);
    }

    /** A preset by name; an unknown name is an error that lists the presets. */
    public static QuantConfig preset(String name) {
        QuantConfig c = PRESETS.get(name);
        if (c == null) throw new QvitException("unknown quantization preset '" + name + "'; presets: " + String.join(", ", PRESETS.keySet()));
        return c;
    }

    public static Iterable<String> presetNames() {
        return PRESETS.keySet();
    }

    public static boolean isFloat(int bits) {
        return bits == FLOAT;
    }

    /** Whether anything is quantized at all. */
    public boolean quantizes() {
        return !(isFloat(weightBits) && isFloat(activationBits) && isFloat(attentionBits) && isFloat(softmaxBits));
    }

    @Override
    public String toString() {
        // qvit's reads as before the method existed, so study cache keys of qvit cells stay valid
        String bits = "w" + name(weightBits) + "a" + name(activationBits) + " attention " + name(attentionBits) + " softmax " + name(softmaxBits);
        return method == QuantMethod.QVIT ? bits : bits + " method " + method.id();
    }

    private static String name(int bits) {
        return isFloat(bits) ? "fp32" : Integer.toString(bits);
    }

    private static void check(String what, int bits) {
        if (!isFloat(bits) && (bits < 2 || bits > 8))
            throw new QvitException(what + " bits must be 2 to 8, or " + FLOAT + " for float, got " + bits);
    }
}
