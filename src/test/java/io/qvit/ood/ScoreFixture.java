package io.qvit.ood;

import io.qvit.model.weights.SafetensorsReader;
import io.qvit.model.weights.StoredTensor;
import io.qvit.model.weights.WeightTensor;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/** The inputs and expected scores written by src/test/python/make_score_fixtures.py. */
final class ScoreFixture {
    static final Path FILE = Path.of("src/test/resources/fixtures/scores/scores.safetensors");

    final Map<String, String> meta;
    final ClassifierHead head;
    final FitData fit;
    final FitData validation;
    final ModelOutputs test;
    private final Map<String, WeightTensor> tensors;

    ScoreFixture() {
        try (SafetensorsReader r = SafetensorsReader.open(FILE)) {
            tensors = r.tensors();
            meta = r.metadata();
        }
        head = new ClassifierHead(matrix("head.weight"), tensors.get("head.bias").toFloats());
        fit = new FitData(new ModelOutputs(matrix("fit.logits"), matrix("fit.features")), labels("fit.labels"), head);
        validation = new FitData(ModelOutputs.logitsOnly(matrix("val.logits")), labels("val.labels"), null);
        test = new ModelOutputs(matrix("test.logits"), matrix("test.features"));
    }

    double setting(String name) {
        return Double.parseDouble(meta.get(name));
    }

    double[] expected(String name) {
        WeightTensor t = tensors.get("expected." + name);
        if (t == null) throw new IllegalArgumentException("no expected." + name + " in " + FILE);
        double[] out = new double[(int) t.numel()];
        ((StoredTensor) t).bytes().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    private float[][] matrix(String name) {
        WeightTensor t = tensors.get(name);
        int rows = t.shape()[0], cols = t.shape()[1];
        float[] flat = t.toFloats();
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    private int[] labels(String name) {
        float[] f = tensors.get(name).toFloats();
        int[] y = new int[f.length];
        for (int i = 0; i < f.length; i++) y[i] = (int) f[i];
        return y;
    }
}
