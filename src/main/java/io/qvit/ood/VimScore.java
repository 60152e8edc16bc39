package io.qvit.ood;

import io.qvit.QvitException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * ViM (Wang et al. 2022) as OpenOOD's VIMPostprocessor computes it, in double precision.
 *
 * <p>Fit: the origin u = -pinv(W)·b (pinv through the eigen-decomposition of WᵀW, since
 * pinv(W) = (WᵀW)⁺Wᵀ); the covariance (1/n)Σ(x-u)(x-u)ᵀ of the ID fit features; its principal subspace
 * of dimension {@code dim} and the residual space spanned by the other D - dim eigenvectors;
 * α = mean over the fit set of the max logit / mean of the residual norm ‖R(x-u)‖.
 *
 * <p>Score: logsumexp(logits) - α·‖R(x-u)‖. The logits are the model's own (OpenOOD recomputes them
 * as W·x + b from the features, which is the same for a float head and keeps a quantized head's
 * logits here).
 */
final class VimScore implements OodScore {
    private final int dim;
    private final double[] origin;
    /** Rows: unit eigenvectors of the D - dim smallest eigenvalues. */
    private final double[][] residualBasis;
    private final double alpha;

    private VimScore(int dim, double[] origin, double[][] residualBasis, double alpha) {
        this.dim = dim;
        this.origin = origin;
        this.residualBasis = residualBasis;
        this.alpha = alpha;
    }

    static VimScore fit(FitData data, int requestedDim) {
        float[][] x = data.outputs().requireFeatures(ScoreKind.VIM);
        ClassifierHead head = data.requireHead(ScoreKind.VIM);
        int d = x[0].length;
        int dim = requestedDim == 0 ? ScoreSettings.vimDimFor(d) : requestedDim;
        if (dim < 1 || dim >= d) {
            throw new QvitException("vim principal dimension " + dim + " must be in [1, " + d + ") for " + d
                    + "-dimensional features; choose a smaller --vim-dim");
        }
        data.requireSamples(ScoreKind.VIM, FitRequirements.minimumSamples(ScoreKind.VIM, 0, d, 0), "the covariance of " + d + "-dimensional features must have full rank");
        double[] origin = origin(head);
        SymmetricEigen eig = SymmetricEigen.of(Covariance.around(x, i -> origin));
        double[][] basis = new double[d - dim][];
        System.arraycopy(eig.vectors, 0, basis, 0, d - dim); // ascending: the smallest d - dim
        VimScore unscaled = new VimScore(dim, origin, basis, 1);
        double residuals = 0, maxLogits = 0;
        for (int i = 0; i < x.length; i++) {
            residuals += unscaled.residualNorm(x[i]);
            maxLogits += LogitFormulas.max(data.outputs().logits()[i]);
        }
        if (residuals == 0) throw new QvitException("vim: the ID fit features have no residual outside their principal subspace; lower the ViM dimension");
        return new VimScore(dim, origin, basis, maxLogits / residuals);
    }

    /** -pinv(W)·b = -(WᵀW)⁺(Wᵀb). */
    private static double[] origin(ClassifierHead head) {
        int d = head.inputDim();
        double[][] gram = new double[d][d];
        double[] wtb = new double[d];
        for (int c = 0; c < head.classes(); c++) {
            float[] w = head.weight()[c];
            for (int j = 0; j < d; j++) {
                double wj = w[j];
                wtb[j] += wj * head.bias()[c];
                double[] row = gram[j];
                for (int k = 0; k < d; k++) row[k] += wj * w[k];
            }
        }
        double[] u = Covariance.times(SymmetricEigen.of(gram).pseudoInverse(), wtb);
        for (int j = 0; j < d; j++) u[j] = -u[j];
        return u;
    }

    static VimScore load(FittedScoreFile f) {
        return new VimScore((int) f.setting("dim"), f.doubles("origin"), f.doubleMatrix("residual_basis"), f.setting("alpha"));
    }

    double alpha() {
        return alpha;
    }

    private double residualNorm(float[] x) {
        double[] centred = new double[x.length];
        for (int j = 0; j < x.length; j++) centred[j] = x[j] - origin[j];
        double s = 0;
        for (double[] r : residualBasis) {
            double p = Covariance.dot(r, centred);
            s += p * p;
        }
        return Math.sqrt(s);
    }

    @Override
    public ScoreKind kind() {
        return ScoreKind.VIM;
    }

    @Override
    public double[] score(ModelOutputs outputs) {
        float[][] x = outputs.requireFeatures(ScoreKind.VIM);
        if (x[0].length != origin.length) {
            throw new QvitException("vim was fitted on " + origin.length + "-dimensional features but got " + x[0].length
                    + "; score features of the model it was fitted on");
        }
        double[] s = new double[x.length];
        IntStream.range(0, x.length).parallel().forEach(
                i -> s[i] = LogitFormulas.logSumExp(outputs.logits()[i], 1) - alpha * residualNorm(x[i]));
        return s;
    }

    @Override
    public void save(Path file) {
        new FittedScoreFile.Builder(ScoreKind.VIM).setting("dim", dim).setting("alpha", alpha).vector("origin", origin)
                .matrix("residual_basis", residualBasis).write(file);
    }
}
