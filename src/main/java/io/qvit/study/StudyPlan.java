package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.data.Sample;
import io.qvit.ood.ScoreKind;
import io.qvit.quant.model.QuantMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What a study runs: every model at every precision (each quantized one under every method) on the ID set, the fit set and each OOD set,
 * scored with every score, written under {@code out}.
 *
 * @param models      model specs as {@link io.qvit.model.ModelLoader#load} takes them
 * @param precisions  {@code fp32} or quantization preset names
 * @param methods     the PTQ methods each quantized precision runs under
 * @param calibration the images quantized precisions are calibrated on
 * @param id          the in-distribution test set (named {@code id})
 * @param fit         the ID set fitted scores are fitted on (named {@code fit})
 * @param ood         the OOD sets, by name
 * @param scores      the OOD scores
 * @param batch       images per forward pass
 */
public record StudyPlan(List<String> models, List<String> precisions, List<QuantMethod> methods, List<Sample> calibration, StudyDataset id, StudyDataset fit,
                        List<StudyDataset> ood, List<ScoreKind> scores, Path out, int batch) {
    public static final String FP32 = "fp32";

    public StudyPlan {
        models = List.copyOf(models);
        precisions = List.copyOf(precisions);
        methods = List.copyOf(methods);
        if (methods.isEmpty()) throw new QvitException("--methods: give at least one method (" + QuantMethod.names() + ")");
        if (new HashSet<>(methods).size() != methods.size()) throw new QvitException("--methods lists a method twice: " + methods);
        calibration = List.copyOf(calibration);
        ood = List.copyOf(ood);
        scores = List.copyOf(scores);
        if (models.isEmpty()) throw new QvitException("--models: give at least one model");
        if (precisions.isEmpty()) throw new QvitException("--precisions: give at least one precision");
        if (ood.isEmpty()) throw new QvitException("--ood: give at least one OOD set as NAME=DIR");
        if (scores.isEmpty()) throw new QvitException("--scores: give at least one score");
        if (!id.name().equals(StudyDataset.ID) || !fit.name().equals(StudyDataset.FIT))
            throw new IllegalArgumentException("the ID and fit sets must be named id and fit");
        if (new HashSet<>(precisions).size() != precisions.size()) throw new QvitException("--precisions lists a precision twice: " + precisions);
        if (new HashSet<>(models).size() != models.size()) throw new QvitException("--models lists a model twice: " + models);
        List<String> names = new ArrayList<>(List.of(StudyDataset.ID, StudyDataset.FIT));
        for (StudyDataset d : ood) {
            if (names.contains(d.name()))
                throw new QvitException("--ood: the name '" + d.name() + "' is used twice or is reserved (id and fit are); rename it");
            names.add(d.name());
        }
        if (precisions.stream().anyMatch(p -> !p.equals(FP32)) && calibration.isEmpty())
            throw new QvitException("--calib: quantized precisions need calibration images");
    }

    /** Every cell's {@link StudySetting} name, in order: fp32 (where asked), then each method's quantized precisions. */
    public List<String> settings() {
        List<String> all = new ArrayList<>();
        if (precisions.contains(FP32)) all.add(FP32);
        for (QuantMethod m : methods)
            for (String p : precisions) if (!p.equals(FP32)) all.add(StudySetting.name(p, m));
        return all;
    }

    /** Whether a score is fitted, so that the fit set runs through the network. */
    public boolean needsFit() {
        return scores.stream().anyMatch(ScoreKind::needsFit);
    }

    /** The sets the network runs on, in order: id, fit (where a score is fitted), then the OOD sets. */
    public List<StudyDataset> datasets() {
        List<StudyDataset> all = new ArrayList<>(needsFit() ? List.of(id, fit) : List.of(id));
        all.addAll(ood);
        return all;
    }
}
