package io.qvit.ood;

import java.util.Arrays;

/** The logit scores' formulas on one row of logits, in double precision. */
final class LogitFormulas {
    private LogitFormulas() {}

    static double max(float[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : z) m = Math.max(m, v);
        return m;
    }

    /** log Σ exp(z/T), shifted by the maximum so that no exp overflows. */
    static double logSumExp(float[] z, double t) {
        double m = max(z) / t;
        double s = 0;
        for (float v : z) s += Math.exp(v / t - m);
        return m + Math.log(s);
    }

    static double logSumExp(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) m = Math.max(m, v);
        double s = 0;
        for (double v : z) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** Largest softmax probability of z/T: exp(max/T - logsumexp(z/T)). */
    static double msp(float[] z, double t) {
        return Math.exp(max(z) / t - logSumExp(z, t));
    }

    /** T·logsumexp(z/T) (OpenOOD's EBO score). */
    static double energy(float[] z, double t) {
        return t * logSumExp(z, t);
    }

    /** Σ p log p, the negative entropy of softmax(z), with log p = z - logsumexp(z) exactly. */
    static double negativeEntropy(float[] z) {
        double lse = logSumExp(z, 1);
        double s = 0;
        for (float v : z) {
            double logP = v - lse;
            s += Math.exp(logP) * logP;
        }
        return s;
    }

    /** GEN: -Σ p^γ (1-p)^γ over the topM largest softmax probabilities (all of them when topM >= C). */
    static double gen(float[] z, double gamma, int topM) {
        double lse = logSumExp(z, 1);
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) p[c] = Math.exp(z[c] - lse);
        Arrays.sort(p);
        double s = 0;
        for (int c = Math.max(0, p.length - topM); c < p.length; c++) s += Math.pow(p[c], gamma) * Math.pow(1 - p[c], gamma);
        return -s;
    }
}
