package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.ProbabilityCodes;
import io.qvit.quant.QuantFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The post-training quantization method: which tensor gets which range, chosen how. Every choice a
 * method makes is answered here, and {@link Calibrator}, {@link QuantizedVit} and the converted-file
 * reader ask; the graph ({@link io.qvit.model.VisionTransformer}) and the integer ops are the same for all.
 * <ul>
 *   <li>{@link #QVIT} (the default): each head's Q, K and V rotated in the weights; every linear
 *       layer's input but the patch embedding's, Q and K quantized per row at run time with the
 *       row's own min-max range, after a searched {@link io.qvit.quant.reparam.InputTransform}
 *       (SmoothQuant divisors, a Hadamard rotation); the patch input and V at one calibrated range
 *       each (clipping search); the probabilities log-sqrt(2) per row at the row's maximum; weights
 *       per channel, symmetric, clipping search; the patch embedding at 8 bits at least.</li>
 *   <li>{@link #REPQ}: RepQ-ViT (Li et al., ICCV 2023) as its code runs: every activation at one
 *       static range per tensor (the patch input at 8 bits, everything else at the activation
 *       bits), chosen among the 99.9th, 99.99th and 99.999th percentiles (with their mirror images
 *       for the minimum) by least squared error; qkv's and fc1's inputs first calibrated per
 *       channel, then reparameterised into one range by folding each channel's scale and offset
 *       into the LayerNorm and the next layer ({@link io.qvit.quant.reparam.LayerNormReparameterizer#applyWithShifts});
 *       the probabilities log-sqrt(2) at one calibrated scale with 2^b non-zero levels; weights
 *       per channel, asymmetric, the same percentile search; every layer (patch embedding and head
 *       included) at the weight bits. Each quantizer is calibrated on the output of the
 *       already-quantized layers before it, all calibration images in one batch.</li>
 *   <li>{@link #MINMAX}: the naive floor: every activation at one static min-max range per
 *       tensor (the patch input at 8 bits), probabilities as uniform codes over [0, max], weights
 *       per channel symmetric min-max, calibrated as {@link #REPQ} is; nothing rotated or smoothed.</li>
 * </ul>
 */
public enum QuantMethod {
    QVIT,
    REPQ,
    MINMAX;

    /** The lower-case name used by the CLI, converted files and results. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A method by its {@link #id}; an unknown name is an error that lists the methods. */
    public static QuantMethod parse(String name) {
        for (QuantMethod m : values()) if (m.id().equals(name.trim().toLowerCase(Locale.ROOT))) return m;
        throw new QvitException("unknown quantization method '" + name + "'; methods: " + names());
    }

    /** "qvit, repq, minmax". */
    public static String names() {
        return Arrays.stream(values()).map(QuantMethod::id).collect(Collectors.joining(", "));
    }

    /** Whether a site is quantized per row with each row's own range at run time (else at one calibrated range). */
    public boolean dynamic(Site site) {
        return this == QVIT && site != Site.PATCH_INPUT && site != Site.V;
    }

    /** Whether the weights' format is asymmetric (RepQ-ViT's per-channel weight quantizer) or symmetric. */
    public QuantFormat weightFormat(int bits) {
        return this == REPQ ? QuantFormat.asymmetric(bits) : QuantFormat.symmetric(bits);
    }

    /** The least bits of the patch embedding's weights: qvit keeps it at 8; RepQ-ViT and min-max quantize it like the rest. */
    public int patchWeightBits(int weightBits) {
        return this == QVIT ? Math.max(weightBits, QuantConfig.PATCH_WEIGHT_BITS) : weightBits;
    }

    /** How the probabilities are coded. */
    public ProbabilityCodes probabilityCodes() {
        return switch (this) {
            case QVIT -> ProbabilityCodes.LOG2_ROW_MAX;
            case REPQ -> ProbabilityCodes.LOG2_CALIBRATED;
            case MINMAX -> ProbabilityCodes.UNIFORM_CALIBRATED;
        };
    }

    /** Whether calibration runs the quantized model, each quantizer set on first sight (RepQ-ViT's procedure), rather than observing fp32. */
    boolean calibratesInOrder() {
        return this != QVIT;
    }
}
