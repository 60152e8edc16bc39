package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every score against an independent numpy / scikit-learn / torch implementation that follows
 * OpenOOD (src/test/python/make_score_fixtures.py). Both sides compute in double from the same
 * float32 inputs, so they differ only by summation order, eigensolver and optimiser rounding: the
 * tolerance is 1e-7 relative to the scores' overall scale (largest |expected|), far below what any
 * formula difference (a wrong normalisation, a missing term, the wrong subspace) produces. The
 * temperature matches to 1e-6 relative: both searches stop at a bracket of ~1e-9 in log T, but the
 * NLL is flat at its minimum, so that is as far as the minimiser is determined.
 */
class FixtureScoresTest {
    private static final ScoreFixture F = new ScoreFixture();
    private static final double RTOL = 1e-7;

    private static ScoreSettings settings() {
        return ScoreSettings.DEFAULTS.withKnnK((int) F.setting("k")).withVimDim((int) F.setting("vim_dim"))
                .withReactPercentile(F.setting("react_percentile")).withGen(F.setting("gen_gamma"), (int) F.setting("gen_top_m"));
    }

    private static FitData fitDataFor(ScoreKind kind) {
        return kind == ScoreKind.TEMPSCALE ? F.validation : F.fit;
    }

    @ParameterizedTest
    @EnumSource(ScoreKind.class)
    void matchesTheReference(ScoreKind kind) {
        OodScore score = Scores.fit(kind, fitDataFor(kind), settings());
        assertClose(F.expected(kind.cliName()), score.score(F.test), kind.cliName());
    }

    @Test
    void nonDefaultSettingsMatchTheReference() {
        OodScore energy = Scores.fit(ScoreKind.ENERGY, null, settings().withEnergyTemperature(F.setting("energy_t")));
        assertClose(F.expected("energy_t2"), energy.score(F.test), "energy T=2");
        OodScore gen = Scores.fit(ScoreKind.GEN, null, settings().withGen(F.setting("gen_gamma"), (int) F.setting("gen_small_top_m")));
        assertClose(F.expected("gen_top4"), gen.score(F.test), "gen top 4");
    }

    @Test
    void fittedValuesMatchTheReference() {
        LogitScore t = (LogitScore) Scores.fit(ScoreKind.TEMPSCALE, F.validation, settings());
        assertEquals(F.setting("temperature"), t.temperature(), 1e-6 * F.setting("temperature"), "temperature");
        VimScore vim = (VimScore) Scores.fit(ScoreKind.VIM, F.fit, settings());
        assertEquals(F.setting("vim_alpha"), vim.alpha(), RTOL * F.setting("vim_alpha"), "ViM alpha");
        ReactScore react = (ReactScore) Scores.fit(ScoreKind.REACT, F.fit, settings());
        assertEquals(F.setting("react_threshold"), react.threshold(), 1e-12, "ReAct threshold");
    }

    @ParameterizedTest
    @EnumSource(ScoreKind.class)
    void aSavedScoreLoadsBackIdentical(ScoreKind kind, @TempDir Path dir) {
        OodScore fitted = Scores.fit(kind, fitDataFor(kind), settings());
        Path file = dir.resolve(kind.cliName() + ".safetensors");
        fitted.save(file);
        OodScore loaded = Scores.load(file);
        assertEquals(kind, loaded.kind());
        assertArrayEquals(fitted.score(F.test), loaded.score(F.test), kind.cliName() + " after save and load");
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of scores");
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= RTOL * scale) && bad.length() < 400) {
                bad.append(String.format("%n  [%d] expected %.12g, got %.12g", i, expected[i], actual[i]));
            }
        }
        if (bad.length() > 0) fail(what + ": off by more than " + RTOL + " x " + scale + bad);
    }
}
