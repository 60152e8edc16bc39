package io.qvit.ood;

import io.qvit.QvitException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * MDS (Lee et al. 2018) and Relative MDS (Ren et al. 2021) as OpenOOD's MDS and RMDS postprocessors
 * compute them, in double precision.
 *
 * <p>Fit: class means μ_c of the labelled ID features and one tied covariance Σ of the
 * class-centred features (divided by n); RMDS also takes the global mean μ₀ and the covariance Σ₀ of
 * the features around it. Both are inverted as Moore-Penrose pseudo-inverses (no ridge; see
 * {@link SymmetricEigen#pseudoInverse}): a ViT's LayerNorm output lies in a hyperplane, so its
 * covariance is singular in one direction by construction.
 *
 * <p>Score, with MD_c(x) = (x-μ_c)ᵀ Σ⁺ (x-μ_c) and MD_0(x) = (x-μ₀)ᵀ Σ₀⁺ (x-μ₀):
 * MDS = max_c -MD_c(x); RMDS = max_c -(MD_c(x) - MD_0(x)) = MDS + MD_0(x).
 */
final class MahalanobisScore implements OodScore {
    private final ScoreKind kind;
    private final double[][] classMeans;
    private final double[][] precision;
    /** RMDS only, else null. */
    private final double[] globalMean;
    private final double[][] globalPrecision;
    /** Σ⁺μ_c and μ_cᵀΣ⁺μ_c, so that MD_c(x) = xᵀΣ⁺x - 2 xᵀ(Σ⁺μ_c) + μ_cᵀΣ⁺μ_c costs O(D) per class. */
    private final double[][] precisionTimesMeans;
    private final double[] meanTerms;

    private MahalanobisScore(ScoreKind kind, double[][] classMeans, double[][] precision, double[] globalMean,
                             double[][] globalPrecision) {
        this.kind = kind;
        this.classMeans = classMeans;
        this.precision = precision;
        this.globalMean = globalMean;
        this.globalPrecision = globalPrecision;
        this.precisionTimesMeans = new double[classMeans.length][];
        this.meanTerms = new double[classMeans.length];
        for (int c = 0; c < classMeans.length; c++) {
            precisionTimesMeans[c] = Covariance.times(precision, classMeans[c]);
            meanTerms[c] = Covariance.dot(classMeans[c], precisionTimesMeans[c]);
        }
    }

    static MahalanobisScore fit(ScoreKind kind, FitData data) {
        float[][] x = data.outputs().requireFeatures(kind);
        int[] labels = data.requireLabels(kind);
        int classes = data.outputs().classes(), d = x[0].length;
        data.requireSamples(kind, FitRequirements.minimumSamples(kind, 0, d, classes), "the tied covariance of " + d + "-dimensional features around " + classes
                + " class means has rank at most n - " + classes);
        double[][] means = classMeans(kind, x, labels, classes);
        double[][] precision = SymmetricEigen.of(Covariance.around(x, i -> means[labels[i]])).pseudoInverse();
        if (kind == ScoreKind.MDS) return new MahalanobisScore(kind, means, precision, null, null);
        double[] globalMean = Covariance.mean(x);
        double[][] globalPrecision = SymmetricEigen.of(Covariance.around(x, i -> globalMean)).pseudoInverse();
        return new MahalanobisScore(kind, means, precision, globalMean, globalPrecision);
    }

    private static double[][] classMeans(ScoreKind kind, float[][] x, int[] labels, int classes) {
        double[][] sums = new double[classes][x[0].length];
        int[] counts = new int[classes];
        for (int i = 0; i < x.length; i++) {
            counts[labels[i]]++;
            double[] s = sums[labels[i]];
            for (int j = 0; j < s.length; j++) s[j] += x[i][j];
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new QvitException(kind.cliName() + ": class " + c + " has no ID fit samples; every one of the logits' "
                        + classes + " classes needs at least one labelled fit sample for its mean");
            }
            for (int j = 0; j < sums[c].length; j++) sums[c][j] /= counts[c];
        }
        return sums;
    }

    static MahalanobisScore load(FittedScoreFile f) {
        boolean relative = f.kind() == ScoreKind.RMDS;
        return new MahalanobisScore(f.kind(), f.doubleMatrix("class_means"), f.doubleMatrix("precision"),
                relative ? f.doubles("global_mean") : null, relative ? f.doubleMatrix("global_precision") : null);
    }

    @Override
    public ScoreKind kind() {
        return kind;
    }

    @Override
    public double[] score(ModelOutputs outputs) {
        float[][] x = outputs.requireFeatures(kind);
        if (x[0].length != precision.length) {
            throw new QvitException(kind.cliName() + " was fitted on " + precision.length + "-dimensional features but got "
                    + x[0].length + "; score features of the model it was fitted on");
        }
        double[] s = new double[x.length];
        IntStream.range(0, x.length).parallel().forEach(i -> s[i] = score(Covariance.toDouble(x[i])));
        return s;
    }

    private double score(double[] x) {
        double xPx = Covariance.dot(x, Covariance.times(precision, x));
        double nearest = Double.POSITIVE_INFINITY;
        for (int c = 0; c < classMeans.length; c++) {
            nearest = Math.min(nearest, xPx - 2 * Covariance.dot(x, precisionTimesMeans[c]) + meanTerms[c]);
        }
        if (globalMean == null) return -nearest;
        double[] centred = new double[x.length];
        for (int j = 0; j < x.length; j++) centred[j] = x[j] - globalMean[j];
        return -nearest + Covariance.dot(centred, Covariance.times(globalPrecision, centred));
    }

    @Override
    public void save(Path file) {
        FittedScoreFile.Builder b = new FittedScoreFile.Builder(kind).matrix("class_means", classMeans).matrix("precision", precision);
        if (globalMean != null) b.vector("global_mean", globalMean).matrix("global_precision", globalPrecision);
        b.write(file);
    }
}
