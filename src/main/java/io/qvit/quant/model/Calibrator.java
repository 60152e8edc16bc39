package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.model.AttentionLayer;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitLayers;
import io.qvit.quant.ClippingSearch;
import io.qvit.quant.Granularity;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.RangeObserver;
import io.qvit.quant.SearchObserver;
import io.qvit.quant.reparam.ActivationSmoothing;
import io.qvit.quant.reparam.AttentionRotation;
import io.qvit.quant.reparam.InputTransform;
import io.qvit.quant.reparam.LayerNormReparameterizer;
import io.qvit.quant.reparam.NormSite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Post-training calibration, by the config's {@link QuantMethod}: {@link QuantMethod#REPQ} and
 * {@link QuantMethod#MINMAX} are {@link InOrderCalibration}'s; what follows is qvit's. With Q, K and V quantized, each head's Q, K and V are first rotated
 * in the weights ({@link AttentionRotation}). The fp32 model, its attention cores in the quantized
 * attention's arithmetic with every operand in fp32 ({@link AttentionQuantization#FLOAT}), then runs
 * over the calibration images once, observing every quantized activation; then
 * <ul>
 *   <li>the linear layers' per-row-ranged inputs (qkv, proj, fc1, fc2, the head): the
 *       {@link InputTransform} (SmoothQuant divisors, a Walsh-Hadamard rotation) that least disturbs
 *       the layer's quantized output; for qkv and fc1 the divisors are folded into the LayerNorm
 *       before them ({@link LayerNormReparameterizer}), so only the rotation runs online;</li>
 *   <li>the statically ranged activations (the patch input, V): RepQ-ViT's clipping search over the
 *       whole tensor;</li>
 *   <li>weights, after all of the above changed them: a clipping search per output channel, symmetric.</li>
 * </ul>
 * The probabilities need nothing: each row is scaled by its own maximum as it runs.
 */
public final class Calibrator {
    public static final int DEFAULT_IMAGES = 32;
    /** Values kept per tensor for the clipping search; more only slows it. */
    private static final int TENSOR_SAMPLES = 1 << 16;
    private static final int BATCH = 8;
    /** Rows of a transformed input kept for the transform search (all of the head's: one or two an image). */
    private static final int SMOOTHING_ROWS = 2048;
    /** The layer inputs whose {@link InputTransform} is searched: every linear layer's but the patch embedding's (README: what each step gave). */
    private static final Set<Site> TRANSFORMED = EnumSet.of(Site.QKV_INPUT, Site.PROJ_INPUT, Site.FC1_INPUT, Site.FC2_INPUT, Site.HEAD_INPUT);
    private static final long SEED = 20231;

    private Calibrator() {}

    /** Decodes the calibration samples with the model's eval transform, then calibrates. */
    public static CalibratedModel calibrate(LoadedModel model, QuantConfig quant, List<Sample> samples, Backend backend) {
        if (samples.isEmpty()) throw new QvitException("no calibration images");
        EvalTransform transform = new EvalTransform(model.definition().pretrained().preprocessing());
        float[] images = new float[samples.size() * transform.outputLength()];
        try (ImageBatches batches = new ImageBatches(samples, transform, samples.size(), 1)) {
            for (ImageBatches.Batch b : batches) System.arraycopy(b.data(), 0, images, 0, b.data().length);
            if (!batches.failures().isEmpty())
                throw new QvitException("calibration image " + batches.failures().get(0).file() + " is unreadable: " + batches.failures().get(0).reason());
        }
        return calibrate(model.definition().config(), model.weights(), quant, images, samples.size(), backend);
    }

    /** Calibrates on {@code count} preprocessed images {@code [count, 3, S, S]}. */
    public static CalibratedModel calibrate(VitConfig cfg, ModelWeights fp32, QuantConfig quant, float[] images, int count, Backend backend) {
        if (count <= 0) throw new QvitException("no calibration images");
        if (quant.method().calibratesInOrder()) return InOrderCalibration.calibrate(cfg, fp32, quant, images, count, backend);
        ModelWeights weights = QuantConfig.isFloat(quant.attentionBits()) ? fp32 : AttentionRotation.apply(cfg, fp32);
        Map<ActivationKey, RangeObserver> observers = new LinkedHashMap<>();
        Map<ActivationKey, RowSample> smoothed = new LinkedHashMap<>();
        observe(cfg, weights, quant, images, count, backend, observers, smoothed);
        Map<ActivationKey, QuantParams> activations = new HashMap<>();
        observers.forEach((key, o) -> activations.put(key, QuantParams.fromRanges(key.site().format(quant), Granularity.PER_TENSOR, o.ranges())));
        Map<ActivationKey, InputTransform> transforms = new HashMap<>();
        ModelWeights transformed = smoothed.isEmpty() ? weights : transform(cfg, quant, weights, smoothed, transforms, backend);
        return new CalibratedModel(cfg, quant, transformed, weightParams(cfg, transformed, quant), activations, transforms);
    }

    /**
     * The {@link #TRANSFORMED} inputs: {@link ActivationSmoothing}'s search per layer; returns the
     * weights transformed to match: post-LayerNorm divisors folded into the LayerNorm and the next
     * layer's columns, other divisors into the reading layers' columns, rotations into their rows.
     */
    private static ModelWeights transform(VitConfig cfg, QuantConfig quant, ModelWeights weights, Map<ActivationKey, RowSample> samples,
                                          Map<ActivationKey, InputTransform> transforms, Backend backend) {
        Map<NormSite, float[]> folded = new HashMap<>();
        Map<ActivationKey, List<String>> readers = new HashMap<>();
        for (Map.Entry<ActivationKey, RowSample> e : samples.entrySet()) {
            ActivationKey key = e.getKey();
            List<String> names = new ArrayList<>();
            for (WeightLayer l : WeightLayer.values())
                if (l.input() == key.site() && weights.has(l.module(key.block()) + ".weight")) names.add(l.module(key.block()) + ".weight");
            String name = names.get(0); // the head's search stands for head_dist's too: both read the final norm's tokens
            int weightBits = WeightLayer.bits(name, quant);
            QuantFormat weightFormat = QuantConfig.isFloat(weightBits) ? null : QuantFormat.symmetric(weightBits);
            ModelWeights.Param w = weights.get(name);
            InputTransform t = ActivationSmoothing.search(e.getValue().rows(), e.getValue().channels(), w.data(),
                    w.shape()[0], key.site().format(quant), weightFormat, backend);
            if (key.site().postLayerNorm() && t.divisors() != null) {
                folded.put(new NormSite(key.block(), key.site() == Site.QKV_INPUT ? NormSite.Norm.NORM1 : NormSite.Norm.NORM2), t.divisors());
                t = new InputTransform(null, t.rotated(), t.k());
            }
            if (t.identity()) continue;
            transforms.put(key, t);
            readers.put(key, names);
        }
        ModelWeights reparameterised = LayerNormReparameterizer.apply(cfg, weights, folded);
        Map<String, float[]> replaced = new HashMap<>();
        transforms.forEach((key, t) -> {
            for (String reader : readers.get(key)) {
                ModelWeights.Param w = reparameterised.get(reader);
                replaced.put(reader, t.applyToWeight(w.data(), w.shape()[0]));
            }
        });
        return reparameterised.withParams(replaced);
    }

    private static void observe(VitConfig cfg, ModelWeights weights, QuantConfig quant, float[] images, int count,
                                Backend backend, Map<ActivationKey, RangeObserver> observers,
                                Map<ActivationKey, RowSample> smoothed) {
        if (count <= 0) throw new QvitException("no calibration images");
        int stride = (int) Math.max(1, (long) count * cfg.numTokens() / SMOOTHING_ROWS);
        ActivationHook hook = (key, x, cols) -> {
            int bits = key.site().bits(quant);
            if (QuantConfig.isFloat(bits)) return x;
            if (TRANSFORMED.contains(key.site())) {
                smoothed.computeIfAbsent(key, k -> new RowSample(cols, k.site().global() ? 1 : stride)).observe(x);
                return x;
            }
            if (key.site().dynamic(quant)) return x; // ranged per row as it runs
            observers.computeIfAbsent(key, k -> new SearchObserver(1, new ClippingSearch(QuantFormat.asymmetric(bits)), TENSOR_SAMPLES, SEED))
                    .observe(key.toString(), x);
            return x;
        };
        int len = images.length / count;
        VitLayers fp32 = VitLayers.fp32(cfg, VisionTransformer.byName(weights), backend);
        VitLayers observed = HookedLayers.hook(cfg, fp32, hook,
                i -> HookedLayers.observingV(AttentionLayer.quantized(backend, AttentionQuantization.FLOAT), i, hook, backend), true, backend);
        try (VisionTransformer vit = new VisionTransformer(cfg, VisionTransformer.byName(weights), observed, backend)) {
            for (int from = 0; from < count; from += BATCH) {
                int n = Math.min(BATCH, count - from);
                vit.forward(Arrays.copyOfRange(images, from * len, (from + n) * len), n);
            }
        }
    }

    private static Map<String, QuantParams> weightParams(VitConfig cfg, ModelWeights weights, QuantConfig quant) {
        if (QuantConfig.isFloat(quant.weightBits())) return Map.of();
        Map<String, QuantParams> params = new ConcurrentHashMap<>();
        List<String> names = new ArrayList<>(WeightLayer.weightNames(cfg));
        names.parallelStream().forEach(name -> {
            QuantFormat format = QuantFormat.symmetric(WeightLayer.bits(name, quant));
            ClippingSearch search = new ClippingSearch(format);
            ModelWeights.Param p = weights.get(name);
            params.put(name, QuantParams.fromRanges(format, Granularity.PER_CHANNEL, search.searchRows(p.data(), p.shape()[0])));
        });
        return params;
    }
}
