package io.qvit.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The scikit-learn/numpy expectations written by src/test/python/make_metric_fixtures.py. */
public final class MetricFixtures {
    public static final Path DIR = Path.of("src/test/resources/fixtures/metrics");
    /** The tolerance the fixtures are held to (summation order differs from numpy's). */
    public static final double TOLERANCE = 1e-6;

    private MetricFixtures() {}

    /** The cases of ood_cases.json or id_cases.json. */
    public static JsonNode cases(String file) {
        try {
            return new ObjectMapper().readTree(DIR.resolve(file).toFile()).get("cases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }
}
