package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VimReactTest {
    private static final ClassifierHead IDENTITY = new ClassifierHead(new float[][] {{1, 0}, {0, 1}}, new float[] {1, -2});

    private static float[][] logits(float[][] x) {
        float[][] z = new float[x.length][];
        for (int i = 0; i < x.length; i++) z[i] = new float[] {x[i][0] + 1, x[i][1] - 2};
        return z;
    }

    @Test
    void handComputedVim() {
        // W = I, b = (1, -2): u = -W⁺b = (-1, 2). Fit features u + (±3, 0), u + (0, ±1): the covariance
        // of x - u is diag(18, 2) / 4, so the principal axis (dim 1) is e1 and the residual is |(x - u)₂|.
        // Residual norms 0, 0, 1, 1 (mean 0.5); logits x + b = (3, 0), (-3, 0), (0, 1), (0, -1), max logits
        // 3, 0, 1, 0 (mean 1): α = 1 / 0.5 = 2.
        float[][] fit = {{2, 2}, {-4, 2}, {-1, 3}, {-1, 1}};
        FitData data = new FitData(new ModelOutputs(logits(fit), fit), null, IDENTITY);
        VimScore vim = (VimScore) Scores.fit(ScoreKind.VIM, data, ScoreSettings.DEFAULTS.withVimDim(1));
        assertEquals(2, vim.alpha(), 1e-12);
        // x = (0, 5): x - u = (1, 3), residual 3; logits (1, 3): score = ln(e + e³) - 2·3.
        float[][] q = {{0, 5}};
        assertEquals(Math.log(Math.E + Math.exp(3)) - 6, vim.score(new ModelOutputs(logits(q), q))[0], 1e-12);
    }

    @Test
    void handComputedReact() {
        // Fit values 1..6: the 50th percentile sits at position 0.5·5 = 2.5 of the sorted values, 3.5;
        // the 90th at 4.5, 5.5. x = (10, 1) clips to (3.5, 1), logits (4.5, -1), energy ln(e^4.5 + e^-1).
        float[][] fit = {{1, 2}, {3, 4}, {5, 6}};
        FitData data = new FitData(new ModelOutputs(logits(fit), fit), null, IDENTITY);
        ReactScore median = (ReactScore) Scores.fit(ScoreKind.REACT, data, ScoreSettings.DEFAULTS.withReactPercentile(50));
        assertEquals(3.5, median.threshold(), 0);
        assertEquals(5.5, ((ReactScore) Scores.fit(ScoreKind.REACT, data, ScoreSettings.DEFAULTS)).threshold(), 1e-12);
        float[][] q = {{10, 1}};
        assertEquals(Math.log(Math.exp(4.5) + Math.exp(-1)), median.score(new ModelOutputs(logits(q), q))[0], 1e-12);
    }
}
