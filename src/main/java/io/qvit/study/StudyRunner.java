package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantizedVit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The network half of a study: runs every model at every precision over the sets whose outputs are
 * not cached yet ({@link OutputStore}) and saves them. Cells already on disk are not run again, so a
 * killed study resumes where it stopped; a model whose cells are all cached is still loaded, for
 * its name and head.
 */
public final class StudyRunner {
    private final StudyPlan plan;
    private final OutputStore store;
    private final Backend cpu;
    private final StudyProgress progress;
    private final int decodeThreads;

    public StudyRunner(StudyPlan plan, Backend cpu, StudyProgress progress) {
        this.plan = plan;
        this.store = new OutputStore(plan.out());
        this.cpu = cpu;
        this.progress = progress;
        decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Runs what is missing; returns the models, in plan order. Every model's checks run before the first forward. */
    public List<StudyModel> run() {
        Map<String, String> specOf = new HashMap<>();
        for (String spec : plan.models()) {
            ModelDefinition definition = ModelLoader.definition(spec, ModelLoader.Hints.NONE);
            String name = StudyModel.folderName(definition.name());
            String other = specOf.put(name, spec);
            if (other != null)
                throw new QvitException("--models: " + other + " and " + spec + " are both " + name + "; a study holds each model once");
            StudyChecks.beforeForward(plan, definition);
        }
        List<StudyModel> models = new ArrayList<>();
        for (String spec : plan.models()) {
            LoadedModel loaded = ModelLoader.load(spec, ModelLoader.Hints.NONE);
            StudyModel model = StudyModel.of(loaded);
            runModel(loaded, model.name());
            models.add(model);
        }
        return models;
    }

    private void runModel(LoadedModel loaded, String model) {
        Map<String, List<StudyDataset>> missing = new HashMap<>();
        int images = 0;
        String weightsDigest = CellKey.weightsDigest(loaded);
        for (String precision : plan.settings()) {
            if (store.claim(model, precision, CellKey.describe(loaded, weightsDigest, precision, plan.calibration())))
                progress.note("study: " + model + " " + precision + ": settings changed, outputs made before are discarded");
            List<StudyDataset> todo = plan.datasets().stream().filter(d -> !store.has(model, precision, d)).toList();
            missing.put(precision, todo);
            for (StudyDataset d : todo) images += d.samples().size();
        }
        if (images == 0) {
            progress.note("study: " + model + ": every cell's outputs are cached; the network does not run");
            return;
        }
        progress.start("study " + model, images);
        for (String precision : plan.settings()) {
            List<StudyDataset> todo = missing.get(precision);
            if (todo.isEmpty()) continue;
            try (Classifier classifier = openClassifier(loaded, precision, plan.calibration(), cpu)) {
                for (StudyDataset set : todo) runSet(classifier, model, precision, set);
            }
        }
        progress.done();
    }

    /** The one place that builds a classifier per precision, so that another quantized path can replace it here. */
    private Classifier openClassifier(LoadedModel loaded, String precision, List<Sample> calibration, Backend backend) {
        if (precision.equals(StudyPlan.FP32)) return new Classifier(loaded, backend);
        progress.note("study: calibrating " + precision + " on " + calibration.size() + " images");
        return QuantizedVit.classifier(loaded.definition(),
                Calibrator.calibrate(loaded, StudySetting.config(precision), calibration, backend), backend);
    }

    private void runSet(Classifier classifier, String model, String precision, StudyDataset set) {
        List<String> files = new ArrayList<>();
        List<float[]> logits = new ArrayList<>(), features = new ArrayList<>();
        List<ImageBatches.Failure> failures = classifier.run(set.samples(), plan.batch(), decodeThreads, (b, out) -> {
            int n = b.samples().size(), classes = out.logits().length / n, dim = out.features().length / n;
            for (int i = 0; i < n; i++) {
                files.add(b.samples().get(i).file().toString());
                logits.add(Arrays.copyOfRange(out.logits(), i * classes, (i + 1) * classes));
                features.add(Arrays.copyOfRange(out.features(), i * dim, (i + 1) * dim));
            }
            progress.advance(n);
        });
        List<String> unreadable = new ArrayList<>();
        for (ImageBatches.Failure f : failures) {
            unreadable.add(f.file().toString());
            progress.note("study: cannot read " + f.file() + ": " + f.reason() + " (left out of " + set.name() + ")");
        }
        if (set.name().equals(StudyDataset.FIT)) deleteFits(model, precision); // fitted on the outputs being replaced
        store.write(model, precision, set, files, logits.toArray(float[][]::new), features.toArray(float[][]::new), unreadable);
    }

    private void deleteFits(String model, String precision) {
        try {
            if (Files.isDirectory(store.fitDir(model, precision))) OutputStore.deleteTree(store.fitDir(model, precision));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the stale fits in " + store.fitDir(model, precision), e);
        }
    }
}
