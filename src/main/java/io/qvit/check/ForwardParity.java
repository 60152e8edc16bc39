package io.qvit.check;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.VisionTransformer;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedVit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A whole forward on two devices over the same images: at fp32 the top-1 of each image and the
 * logits relative to each image's largest logit; for a converted (integer) model, every op run in
 * {@link Lockstep} and each op whose outputs are not bit-identical named. The CUDA tests (on the
 * emulator) and the device run (on a GPU) both measure through here.
 */
public final class ForwardParity {
    /**
     * What two devices' forwards agreed on: at fp32 top-1 and logits; op by op (an integer model), the
     * ops whose outputs differ ({@code departures}; top-1 and logits are then not compared).
     */
    public record Agreement(int images, boolean opByOp, int top1Differences, double largestRelative, List<Lockstep.Departure> departures) {
        public String summary() {
            if (opByOp && departures.isEmpty()) return images + " images: every op bit-identical";
            if (opByOp) {
                Lockstep.Departure d = departures.get(0);
                return String.format(Locale.ROOT, "%d images: %d ops departed; first op %d %s, %d of %d elements, largest %.3g",
                        images, departures.size(), d.op(), d.name(), d.differing(), d.elements(), d.largest());
            }
            return String.format(Locale.ROOT, "%d images: top-1 differs on %d, largest logit difference %.3g of the image's largest logit",
                    images, top1Differences, largestRelative);
        }
    }

    private static final int BATCH = 8;

    private ForwardParity() {}

    /** The fp32 model on {@code reference} and on {@code device}, each opened with {@code threads} threads. */
    public static Agreement fp32(LoadedModel model, List<Sample> images, Device reference, Device device, int threads) {
        List<float[]> a, b;
        try (Backend r = reference.open(threads); Classifier c = new Classifier(model, r)) {
            a = logits(c, images);
        }
        try (Backend d = device.open(threads); Classifier c = new Classifier(model, d)) {
            b = logits(c, images);
        }
        int top1 = 0;
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i), y = b.get(i);
            if (TopK.of(x, 0, x.length, 1).top1() != TopK.of(y, 0, y.length, 1).top1()) top1++;
            double max = 0;
            for (float v : x) max = Math.max(max, Math.abs(v));
            for (int j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]) / max);
        }
        return new Agreement(images.size(), false, top1, worst, List.of());
    }

    /** The largest |logit - expected| of the fp32 model on {@code device} for preprocessed {@code images [batch, 3, S, S]}. */
    public static double largestError(LoadedModel model, float[] images, float[] expected, Device device, int threads) {
        int batch = images.length / (3 * model.definition().config().imgSize() * model.definition().config().imgSize());
        try (Backend d = device.open(threads); VisionTransformer vit = new VisionTransformer(model.definition().config(), model.weights(), d)) {
            float[] logits = vit.forward(images, batch).logits();
            if (logits.length != expected.length)
                throw new QvitException(logits.length + " logits for " + batch + " images, but the reference has " + expected.length);
            double worst = 0;
            for (int i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs((double) logits[i] - expected[i]));
            return worst;
        }
    }

    /** A converted model on both devices in lockstep: the ops whose outputs differ. */
    public static Agreement integer(LoadedModel model, QuantizedModel packed, List<Sample> images, Device reference, Device device, int threads) {
        try (Lockstep both = new Lockstep(reference.open(threads), device.open(threads));
             Classifier c = QuantizedVit.classifier(model.definition(), packed, both)) {
            logits(c, images);
            return new Agreement(images.size(), true, 0, 0, List.copyOf(both.departures()));
        }
    }

    /** Each image's logits, in order; an unreadable image is an error. */
    public static List<float[]> logits(Classifier c, List<Sample> images) {
        List<float[]> out = new ArrayList<>();
        List<ImageBatches.Failure> failures = c.run(images, BATCH, 1, (batch, o) -> {
            int classes = o.logits().length / batch.samples().size();
            for (int i = 0; i < batch.samples().size(); i++) out.add(Arrays.copyOfRange(o.logits(), i * classes, (i + 1) * classes));
        });
        if (!failures.isEmpty()) throw new QvitException("image " + failures.get(0).file() + " is unreadable: " + failures.get(0).reason());
        return out;
    }
}
