package io.qvit.ood;

/**
 * Temperature scaling (Guo et al. 2017): the T in [0.05, 20] that minimises the mean negative
 * log-likelihood of softmax(logits/T) on labelled ID validation data. The NLL is convex in 1/T, hence
 * unimodal in log T, so a golden-section search on log T finds the minimum deterministically; it
 * stops when the bracket is 1e-9 wide in log T (about 45 NLL evaluations). A minimum outside the
 * range ends at its edge.
 */
final class TemperatureFit {
    static final double MIN_T = 0.05;
    static final double MAX_T = 20;
    private static final double TOLERANCE = 1e-9;
    private static final double INV_PHI = (Math.sqrt(5) - 1) / 2;

    private TemperatureFit() {}

    static double fit(float[][] logits, int[] labels) {
        double a = Math.log(MIN_T), b = Math.log(MAX_T);
        double x1 = b - INV_PHI * (b - a), x2 = a + INV_PHI * (b - a);
        double f1 = nll(logits, labels, Math.exp(x1)), f2 = nll(logits, labels, Math.exp(x2));
        while (b - a > TOLERANCE) {
            if (f1 <= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - INV_PHI * (b - a);
                f1 = nll(logits, labels, Math.exp(x1));
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + INV_PHI * (b - a);
                f2 = nll(logits, labels, Math.exp(x2));
            }
        }
        return Math.exp((a + b) / 2);
    }

    /** Mean of logsumexp(z/T) - z_y/T. */
    static double nll(float[][] logits, int[] labels, double t) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) s += LogitFormulas.logSumExp(logits[i], t) - logits[i][labels[i]] / t;
        return s / logits.length;
    }
}
