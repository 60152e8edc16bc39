package io.qvit.bench;

import io.qvit.backend.Backend;
import io.qvit.backend.OpTimingBackend;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedVit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Forward throughput of models with seeded random weights (speed does not depend on the values) at
 * each preset and batch. For each model and batch the presets are timed in alternation, so that their
 * ratios come from the same minutes of a shared machine. A forward is timed on the host's clock from
 * images in to logits out (it is synchronous); three more forwards per case mark each op on the
 * backend's clock (events on a GPU). Presets are calibrated on random images on the CPU backend and
 * packed as {@code qvit convert} packs them, then run as integers on the benchmarked backend.
 */
public final class ModelBench {
    /** Forwards marked op by op per case, whose per-op medians are reported. */
    private static final int OP_FORWARDS = 3;
    /** The ops that copy between host and device, which the PyTorch peer's timing leaves out (its inputs are on the device). */
    private static final java.util.Set<String> TRANSFERS = java.util.Set.of("upload", "download");

    /** What to run and how often. */
    public record Plan(List<ModelDefinition> models, List<String> presets, List<Integer> batches, int warmup, int repeats, int calibImages) {}

    private final OpTimingBackend backend;
    private final Supplier<Backend> calibration;
    private final Consumer<String> progress;

    /** {@code calibration} opens the backend presets are calibrated on (the caller's CPU backend); it is closed after each model. */
    public ModelBench(OpTimingBackend backend, Supplier<Backend> calibration, Consumer<String> progress) {
        this.backend = backend;
        this.calibration = calibration;
        this.progress = progress;
    }

    public List<BenchRecord> run(Plan plan) {
        List<BenchRecord> out = new ArrayList<>();
        for (ModelDefinition definition : plan.models()) {
            VitConfig cfg = definition.config();
            ModelWeights weights = ModelWeights.random(cfg, 0);
            long fp32Bytes = 0;
            for (String name : ModelWeights.expectedShapes(cfg).keySet()) if (weights.has(name)) fp32Bytes += 4L * weights.get(name).data().length;
            List<Runner> runners = new ArrayList<>();
            try {
                for (String preset : plan.presets()) runners.add(runner(definition, weights, preset, plan.calibImages(), fp32Bytes));
                for (int batch : plan.batches()) out.addAll(time(definition.name(), runners, batch, plan, fp32Bytes));
            } finally {
                for (Runner r : runners) r.model.close();
            }
        }
        return out;
    }

    private record Runner(String preset, VisionTransformer model, long modelBytes) {}

    private Runner runner(ModelDefinition definition, ModelWeights weights, String preset, int calibImages, long fp32Bytes) {
        VitConfig cfg = definition.config();
        QuantConfig quant = QuantConfig.preset(preset);
        if (!quant.quantizes()) return new Runner(preset, new VisionTransformer(cfg, weights, backend), fp32Bytes);
        progress.accept(String.format("bench: %s %s: calibrating on %d random images on the CPU and packing", definition.name(), preset, calibImages));
        long t0 = System.nanoTime();
        QuantizedModel packed;
        try (Backend cpu = calibration.get()) {
            packed = QuantizedModel.pack(Calibrator.calibrate(cfg, weights, quant, gaussian(calibImages, cfg, 2), calibImages, cpu));
        }
        progress.accept(String.format("bench: %s %s: calibrated and packed in %.1f s", definition.name(), preset, (System.nanoTime() - t0) / 1e9));
        return new Runner(preset, QuantizedVit.of(packed, backend), packed.parameterBytes());
    }

    private List<BenchRecord> time(String model, List<Runner> runners, int batch, Plan plan, long fp32Bytes) {
        float[] images = gaussian(batch, runners.get(0).model.config(), 1);
        progress.accept(String.format("bench: %s batch %d: %d warm-up and %d timed forwards of each of %s, in alternation",
                model, batch, plan.warmup(), plan.repeats(), String.join(", ", plan.presets())));
        for (Runner r : runners)
            for (int i = 0; i < plan.warmup(); i++) r.model.forward(images, batch);
        double[][] ms = new double[runners.size()][plan.repeats()];
        for (int i = 0; i < plan.repeats(); i++) {
            for (int j = 0; j < runners.size(); j++) {
                long t0 = System.nanoTime();
                runners.get(j).model.forward(images, batch);
                ms[j][i] = (System.nanoTime() - t0) / 1e6;
            }
            if (plan.repeats() >= 10 && (i + 1) % (plan.repeats() / 5) == 0)
                progress.accept(String.format("bench: %s batch %d: %d of %d timed rounds", model, batch, i + 1, plan.repeats()));
        }
        List<BenchRecord> out = new ArrayList<>();
        for (int j = 0; j < runners.size(); j++) {
            Runner r = runners.get(j);
            double median = percentile(ms[j], 50);
            OptionalLong device = backend.deviceBytes();
            Map<String, Double> ops = opTimes(r.model, images, batch, Math.min(OP_FORWARDS, plan.repeats()));
            double onDevice = ops.entrySet().stream().filter(e -> !TRANSFERS.contains(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
            double[] graphs = batch == 1 ? replayedMillis(r.model, images, plan.repeats()) : null;
            out.add(new BenchRecord(model, r.preset, batch, batch / (median / 1e3), onDevice > 0 ? batch / (onDevice / 1e3) : null, median,
                    batch == 1 ? median : null, batch == 1 ? percentile(ms[j], 99) : null, graphs == null ? null : percentile(graphs, 50),
                    graphs == null ? null : percentile(graphs, 99), batch == 1 && graphs == null ? BenchRecord.GRAPHS_NOT_CAPTURED : null,
                    plan.repeats(), device.isPresent() ? device.getAsLong() : null, r.modelBytes, fp32Bytes, null, null, ops));
        }
        return out;
    }

    /**
     * Batch-1 latencies of the forward replayed as one captured graph, after the replay's first call
     * (which records it); null where the backend has no graphs.
     */
    private static double[] replayedMillis(VisionTransformer model, float[] images, int repeats) {
        try (VisionTransformer.Replayed replayed = model.replayed(1)) {
            replayed.forward(images);
            if (!replayed.captured()) return null;
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                replayed.forward(images);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
        }
    }

    /** Each op's median over {@code forwards} marked forwards, in ms per forward. */
    private Map<String, Double> opTimes(VisionTransformer model, float[] images, int batch, int forwards) {
        Map<String, List<Double>> all = new TreeMap<>();
        for (int i = 0; i < forwards; i++) {
            backend.recording(true);
            try {
                model.forward(images, batch);
            } finally {
                backend.recording(false);
            }
            backend.drain().forEach((op, ms) -> all.computeIfAbsent(op, k -> new ArrayList<>()).add(ms));
        }
        Map<String, Double> medians = new TreeMap<>();
        all.forEach((op, ms) -> medians.put(op, percentile(ms.stream().mapToDouble(Double::doubleValue).toArray(), 50)));
        return medians;
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p}% of the values at or below it. */
    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, rank - 1)];
    }

    private static float[] gaussian(int count, VitConfig cfg, long seed) {
        float[] images = new float[count * cfg.inChans() * cfg.imgSize() * cfg.imgSize()];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < images.length; i++) images[i] = (float) rnd.nextGaussian();
        return images;
    }
}
