package io.qvit.ood;

import io.qvit.QvitException;
import io.qvit.model.weights.DType;
import io.qvit.model.weights.SafetensorsReader;
import io.qvit.model.weights.SafetensorsWriter;
import io.qvit.model.weights.StoredTensor;
import io.qvit.model.weights.WeightTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted score on disk: a safetensors file whose metadata holds the score's name and settings and
 * whose tensors hold its ID statistics (float64, or float32 where the statistic is float data such
 * as KNN's feature bank). Loaded whole into memory.
 */
final class FittedScoreFile {
    private static final String KIND = "qvit.score";
    private static final String FORMAT = "qvit.score.format";
    private static final String FORMAT_VERSION = "1";

    private final Path file;
    private final ScoreKind kind;
    private final Map<String, String> settings;
    private final Map<String, WeightTensor> tensors;

    private FittedScoreFile(Path file, ScoreKind kind, Map<String, String> settings, Map<String, WeightTensor> tensors) {
        this.file = file;
        this.kind = kind;
        this.settings = settings;
        this.tensors = tensors;
    }

    /** Collects what a score saves, then writes it atomically. */
    static final class Builder {
        private final SafetensorsWriter writer = new SafetensorsWriter();

        Builder(ScoreKind kind) {
            writer.metadata(KIND, kind.cliName()).metadata(FORMAT, FORMAT_VERSION);
        }

        Builder setting(String name, double value) {
            writer.metadata(name, Double.toString(value));
            return this;
        }

        Builder vector(String name, double[] v) {
            writer.add(name, DType.F64, new int[] {v.length}, doubleBytes(new double[][] {v}));
            return this;
        }

        Builder matrix(String name, double[][] m) {
            writer.add(name, DType.F64, new int[] {m.length, m[0].length}, doubleBytes(m));
            return this;
        }

        Builder vector(String name, float[] v) {
            writer.add(name, DType.F32, new int[] {v.length}, v);
            return this;
        }

        Builder matrix(String name, float[][] m) {
            int cols = m[0].length;
            float[] flat = new float[Math.multiplyExact(m.length, cols)];
            for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, flat, i * cols, cols);
            writer.add(name, DType.F32, new int[] {m.length, cols}, flat);
            return this;
        }

        void write(Path file) {
            writer.write(file);
        }

        private static byte[] doubleBytes(double[][] m) {
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(m.length, m[0].length), 8)).order(ByteOrder.LITTLE_ENDIAN);
            for (double[] row : m) for (double x : row) b.putDouble(x);
            return b.array();
        }
    }

    static FittedScoreFile read(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            Map<String, String> meta = reader.metadata() == null ? Map.of() : reader.metadata();
            String name = meta.get(KIND);
            if (name == null) throw new QvitException(file + " is not a qvit score file (no '" + KIND + "' metadata); fit the score again");
            if (!FORMAT_VERSION.equals(meta.get(FORMAT))) {
                throw new QvitException(file + ": score file format " + meta.get(FORMAT) + ", this qvit reads " + FORMAT_VERSION + "; fit the score again");
            }
            // The mappings stay valid after close; copying the map keeps the reader out of the result.
            return new FittedScoreFile(file, ScoreKind.parse(name), new LinkedHashMap<>(meta), new LinkedHashMap<>(reader.tensors()));
        }
    }

    ScoreKind kind() {
        return kind;
    }

    double setting(String name) {
        String v = settings.get(name);
        if (v == null) throw new QvitException(file + ": score file has no setting '" + name + "'; fit the score again");
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new QvitException(file + ": setting '" + name + "' is '" + v + "', not a number; fit the score again");
        }
    }

    double[] doubles(String name) {
        return doubleRows(name, 1)[0];
    }

    double[][] doubleMatrix(String name) {
        return doubleRows(name, 2);
    }

    float[] floats(String name) {
        return tensor(name, DType.F32, 1).toFloats();
    }

    float[][] floatMatrix(String name) {
        WeightTensor t = tensor(name, DType.F32, 2);
        int rows = t.shape()[0], cols = t.shape()[1];
        float[] flat = t.toFloats();
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    private double[][] doubleRows(String name, int rank) {
        WeightTensor t = tensor(name, DType.F64, rank);
        int rows = rank == 1 ? 1 : t.shape()[0];
        int cols = t.shape()[rank - 1];
        ByteBuffer b = ((StoredTensor) t).bytes(); // SafetensorsReader hands out StoredTensors
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = b.getDouble(8 * (i * cols + j));
        return m;
    }

    private WeightTensor tensor(String name, DType dtype, int rank) {
        WeightTensor t = tensors.get(name);
        if (t == null || t.dtype() != dtype || t.shape().length != rank) {
            throw new QvitException(file + ": score file lacks a rank-" + rank + " " + dtype + " tensor '" + name + "'"
                    + (t == null ? "" : " (found " + t + ")") + "; fit the score again");
        }
        return t;
    }
}
