package io.qvit.ood;

import io.qvit.QvitException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * KNN (Sun et al. 2022): the negative Euclidean distance from the L2-normalised feature to its K-th
 * nearest L2-normalised ID fit feature. OpenOOD (through faiss's IndexFlatL2) reports the negative
 * squared distance instead; the order of the scores, and so every threshold-free metric, is the same.
 * OpenOOD's normaliser also adds 1e-10 to every component after dividing, which is left out here.
 *
 * <p>Exact brute-force search: O(n_fit · D) per sample, parallel over samples. The normalised bank
 * is kept as float32 (it is float data; half the memory), distances are accumulated in double.
 */
final class KnnScore implements OodScore {
    private final int k;
    private final float[][] bank;

    private KnnScore(int k, float[][] bank) {
        this.k = k;
        this.bank = bank;
    }

    static KnnScore fit(FitData data, int k) {
        float[][] x = data.outputs().requireFeatures(ScoreKind.KNN);
        data.requireSamples(ScoreKind.KNN, k, "K = " + k + " neighbours are looked for among them");
        float[][] bank = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] u = normalised(x[i], "fit features row " + i);
            bank[i] = new float[u.length];
            for (int j = 0; j < u.length; j++) bank[i][j] = (float) u[j];
        }
        return new KnnScore(k, bank);
    }

    static KnnScore load(ScoreFile f) {
        return new KnnScore((int) f.setting("k"), f.floatMatrix("bank"));
    }

    private static double[] normalised(float[] x, String what) {
        double norm = 0;
        for (float v : x) norm += (double) v * v;
        norm = Math.sqrt(norm);
        if (norm == 0) throw new QvitException(what + " is all zeros and has no direction; KNN needs non-zero features");
        double[] u = new double[x.length];
        for (int j = 0; j < x.length; j++) u[j] = x[j] / norm;
        return u;
    }

    @Override
    public ScoreKind kind() {
        return ScoreKind.KNN;
    }

    @Override
    public double[] score(ModelOutputs outputs) {
        float[][] x = outputs.requireFeatures(ScoreKind.KNN);
        if (x[0].length != bank[0].length) {
            throw new QvitException("knn was fitted on " + bank[0].length + "-dimensional features but got " + x[0].length
                    + "; score features of the model it was fitted on");
        }
        double[] s = new double[x.length];
        IntStream.range(0, x.length).parallel().forEach(i -> s[i] = -Math.sqrt(kthSquaredDistance(normalised(x[i], "features row " + i))));
        return s;
    }

    /** The k-th smallest squared distance to the bank, through a max-heap of the k smallest seen so far. */
    private double kthSquaredDistance(double[] q) {
        double[] heap = new double[k];
        int size = 0;
        for (float[] b : bank) {
            double d = squaredDistance(q, b);
            if (size < k) {
                heap[size] = d;
                siftUp(heap, size++);
            } else if (d < heap[0]) {
                heap[0] = d;
                siftDown(heap, k);
            }
        }
        return heap[0];
    }

    private static double squaredDistance(double[] q, float[] b) {
        // Four partial sums break the dependency chain so that the loop is not latency-bound.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < q.length; j += 4) {
            double d0 = q[j] - b[j], d1 = q[j + 1] - b[j + 1], d2 = q[j + 2] - b[j + 2], d3 = q[j + 3] - b[j + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < q.length; j++) {
            double d = q[j] - b[j];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void siftUp(double[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent] >= heap[i]) return;
            swap(heap, parent, i);
            i = parent;
        }
    }

    private static void siftDown(double[] heap, int size) {
        int i = 0;
        while (true) {
            int largest = i, l = 2 * i + 1, r = l + 1;
            if (l < size && heap[l] > heap[largest]) largest = l;
            if (r < size && heap[r] > heap[largest]) largest = r;
            if (largest == i) return;
            swap(heap, i, largest);
            i = largest;
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    @Override
    public void save(Path file) {
        new ScoreFile.Builder(ScoreKind.KNN).setting("k", k).matrix("bank", bank).write(file);
    }
}
