package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogitScoresTest {
    // softmax([0, ln 3]) = [1/4, 3/4]
    private static final ModelOutputs QUARTERS = ModelOutputs.logitsOnly(new float[][] {{0f, (float) Math.log(3)}});
    private static final double LN3 = (float) Math.log(3);

    private static double one(ScoreKind kind, ScoreSettings settings, ModelOutputs outputs) {
        return Scores.fit(kind, null, settings).score(outputs)[0];
    }

    @Test
    void handComputedValues() {
        ScoreSettings s = ScoreSettings.DEFAULTS;
        assertEquals(0.75, one(ScoreKind.MSP, s, QUARTERS), 1e-7);
        assertEquals(LN3, one(ScoreKind.MAXLOGIT, s, QUARTERS), 0);
        // ln(e^0 + e^ln3) = ln 4
        assertEquals(Math.log(4), one(ScoreKind.ENERGY, s, QUARTERS), 1e-7);
        // 2·ln(e^0 + e^(ln3 / 2)) = 2·ln(1 + √3)
        assertEquals(2 * Math.log(1 + Math.sqrt(3)), one(ScoreKind.ENERGY, s.withEnergyTemperature(2), QUARTERS), 1e-7);
        // 1/4·ln(1/4) + 3/4·ln(3/4) = -0.5623
        assertEquals(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75), one(ScoreKind.ENTROPY, s, QUARTERS), 1e-7);
        // both probabilities give (1/4 · 3/4)^0.1 = 0.1875^0.1 = 0.8459; all (M=100) or only the top one (M=1)
        assertEquals(-2 * Math.pow(0.1875, 0.1), one(ScoreKind.GEN, s, QUARTERS), 1e-7);
        assertEquals(-Math.pow(0.1875, 0.1), one(ScoreKind.GEN, s.withGen(0.1, 1), QUARTERS), 1e-7);
        // T = 2: softmax([0, ln3 / 2]) = [1, √3] / (1 + √3)
        assertEquals(Math.sqrt(3) / (1 + Math.sqrt(3)), new LogitScore(ScoreKind.TEMPSCALE, 2, 0.1, 100).score(QUARTERS)[0], 1e-7);
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        ModelOutputs big = ModelOutputs.logitsOnly(new float[][] {{1000f, 0f, -1000f}});
        assertEquals(1.0, one(ScoreKind.MSP, ScoreSettings.DEFAULTS, big), 0);
        assertEquals(1000.0, one(ScoreKind.ENERGY, ScoreSettings.DEFAULTS, big), 1e-9);
        assertEquals(0.0, one(ScoreKind.ENTROPY, ScoreSettings.DEFAULTS, big), 1e-300);
    }

    @Test
    void probabilityScoresIgnoreAShiftAndEnergyMovesWithIt() {
        SplittableRandom rnd = TestRandom.random("logitShift");
        float[][] z = new float[20][];
        float[][] shifted = new float[20][];
        for (int i = 0; i < z.length; i++) {
            z[i] = new float[7];
            shifted[i] = new float[7];
            for (int c = 0; c < 7; c++) {
                z[i][c] = rnd.nextInt(-4096, 4096) / 1024f; // multiples of 2^-10: adding 16 stays exact in float
                shifted[i][c] = z[i][c] + 16f;
            }
        }
        ModelOutputs a = ModelOutputs.logitsOnly(z), b = ModelOutputs.logitsOnly(shifted);
        for (ScoreKind kind : new ScoreKind[] {ScoreKind.MSP, ScoreKind.ENTROPY, ScoreKind.GEN}) {
            double[] sa = Scores.fit(kind, null, ScoreSettings.DEFAULTS).score(a), sb = Scores.fit(kind, null, ScoreSettings.DEFAULTS).score(b);
            for (int i = 0; i < sa.length; i++) assertEquals(sa[i], sb[i], 1e-12, kind + TestRandom.seedNote());
        }
        double[] ea = Scores.fit(ScoreKind.ENERGY, null, ScoreSettings.DEFAULTS).score(a);
        double[] eb = Scores.fit(ScoreKind.ENERGY, null, ScoreSettings.DEFAULTS).score(b);
        for (int i = 0; i < ea.length; i++) assertEquals(ea[i] + 16, eb[i], 1e-12, "energy" + TestRandom.seedNote());
    }
}
