package io.qvit.ood;

import io.qvit.QvitException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The OOD scores qvit computes, by command-line name, with what each one needs. Every score is
 * oriented the same way: higher means more in-distribution.
 */
public enum ScoreKind {
    MSP("msp", false, false, false, false),
    MAXLOGIT("maxlogit", false, false, false, false),
    ENERGY("energy", false, false, false, false),
    ENTROPY("entropy", false, false, false, false),
    GEN("gen", false, false, false, false),
    TEMPSCALE("tempscale", false, false, true, true),
    MDS("mds", true, false, true, true),
    RMDS("rmds", true, false, true, true),
    KNN("knn", true, false, true, false),
    VIM("vim", true, true, true, false),
    REACT("react", true, true, true, false);

    private final String cliName;
    private final boolean needsFeatures;
    private final boolean needsHead;
    private final boolean needsFit;
    private final boolean needsLabels;

    ScoreKind(String cliName, boolean needsFeatures, boolean needsHead, boolean needsFit, boolean needsLabels) {
        this.cliName = cliName;
        this.needsFeatures = needsFeatures;
        this.needsHead = needsHead;
        this.needsFit = needsFit;
        this.needsLabels = needsLabels;
    }

    /** The lowercase name used by {@code --scores} and in saved score files. */
    public String cliName() {
        return cliName;
    }

    /** Needs features (the head's input) when fitting and scoring, not only logits. */
    public boolean needsFeatures() {
        return needsFeatures;
    }

    /** Needs the classifier head (W, b) when fitting. */
    public boolean needsHead() {
        return needsHead;
    }

    /** Must be fitted on ID data before scoring ({@link Scores#fit}); the fit can be saved and loaded. */
    public boolean needsFit() {
        return needsFit;
    }

    /** Needs labelled ID data when fitting: class labels (MDS, RMDS) or validation labels (temperature scaling). */
    public boolean needsLabels() {
        return needsLabels;
    }

    /** The kind with this command-line name (case-insensitive, surrounding spaces ignored). */
    public static ScoreKind parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (ScoreKind k : values()) if (k.cliName.equals(key)) return k;
        throw new QvitException("unknown OOD score '" + name.trim() + "'; valid scores are " + validNames());
    }

    /** A comma-separated list such as {@code msp,energy,knn}, in the given order, without repeats. */
    public static List<ScoreKind> parseList(String names) {
        List<ScoreKind> kinds = new ArrayList<>();
        for (String name : names.split(",", -1)) {
            if (name.isBlank()) throw new QvitException("empty name in the score list '" + names + "'; valid scores are " + validNames());
            ScoreKind k = parse(name);
            if (kinds.contains(k)) throw new QvitException("score '" + k.cliName + "' is listed twice in '" + names + "'");
            kinds.add(k);
        }
        return kinds;
    }

    public static String validNames() {
        return Arrays.stream(values()).map(ScoreKind::cliName).collect(Collectors.joining(","));
    }
}
