package io.qvit.ood;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.backend.Tensor;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * KNN (Sun et al. 2022): the negative Euclidean distance from the L2-normalised feature to its K-th
 * nearest L2-normalised ID fit feature. OpenOOD (through faiss's IndexFlatL2) reports the negative
 * squared distance instead; the order of the scores, and so every threshold-free metric, is the same.
 * OpenOOD's normaliser also adds 1e-10 to every component after dividing, which is left out here.
 *
 * <p>Exact brute-force search: the products of the queries with the bank are one matrix product
 * ({@link Backend#linear}), which ranks the bank; the few rows near the K-th are then measured
 * exactly in double, so the scores are those of a double-precision scan. The normalised bank is kept
 * as float32 (it is float data; half the memory).
 */
final class KnnScore implements OodScore {
    /** Query rows are scored in chunks whose products with the bank hold at most this many floats (64 MB). */
    private static final int PRODUCT_FLOATS = 16 << 20;

    private final int k;
    private final float[][] bank;

    private KnnScore(int k, float[][] bank) {
        this.k = k;
        this.bank = bank;
    }

    static KnnScore fit(FitData data, int k) {
        float[][] x = data.outputs().requireFeatures(ScoreKind.KNN);
        data.requireSamples(ScoreKind.KNN, FitRequirements.minimumSamples(ScoreKind.KNN, k, x[0].length, 0), "K = " + k + " neighbours are looked for among them");
        float[][] bank = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] u = normalised(x[i], "fit features row " + i);
            bank[i] = new float[u.length];
            for (int j = 0; j < u.length; j++) bank[i][j] = (float) u[j];
        }
        return new KnnScore(k, bank);
    }

    static KnnScore load(FittedScoreFile f) {
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
        int dim = bank[0].length;
        if (x[0].length != dim) {
            throw new QvitException("knn was fitted on " + dim + "-dimensional features but got " + x[0].length
                    + "; score features of the model it was fitted on");
        }
        double[][] queries = new double[x.length][];
        for (int i = 0; i < x.length; i++) queries[i] = normalised(x[i], "features row " + i);
        double[] bankNorms = new double[bank.length];
        double largest = 1;
        for (int j = 0; j < bank.length; j++) {
            bankNorms[j] = squaredNorm(bank[j]);
            largest = Math.max(largest, bankNorms[j]);
        }
        double margin = 2 * errorBound(dim) * Math.sqrt(largest);
        double[] s = new double[x.length];
        // Device.CPU: the error bound below holds for fp32 arithmetic, not for reduced-precision (TF32) products.
        try (Backend backend = Device.CPU.open(Runtime.getRuntime().availableProcessors());
             Tensor bankTensor = backend.fromHost(flatten(bank), bank.length, dim)) {
            int chunk = Math.max(1, PRODUCT_FLOATS / bank.length);
            for (int from = 0; from < x.length; from += chunk) {
                int rows = Math.min(chunk, x.length - from);
                float[] q = new float[rows * dim];
                for (int r = 0; r < rows; r++) for (int j = 0; j < dim; j++) q[r * dim + j] = (float) queries[from + r][j];
                float[] dots;
                try (Tensor qt = backend.fromHost(q, rows, dim); Tensor product = backend.linear(qt, bankTensor, null)) {
                    dots = backend.toHost(product);
                }
                int first = from;
                IntStream.range(0, rows).parallel().forEach(r -> s[first + r] =
                        -Math.sqrt(kthSquaredDistance(queries[first + r], dots, r * bank.length, bankNorms, margin)));
            }
        }
        return s;
    }

    /**
     * The exact k-th smallest squared distance from q to the bank. {@code dots} (from {@code offset})
     * holds the fp32 products q·b; |q|² + |b|² - 2 q·b approximates each squared distance within
     * {@link #errorBound} (times the largest bank norm: a loaded bank need not be normalised), so every
     * bank row whose exact distance can be among the k smallest lies within {@code margin}, twice that, of
     * the approximate k-th. Those few are measured exactly in double, so the result
     * is the one a scan of the whole bank in double gives.
     */
    private double kthSquaredDistance(double[] q, float[] dots, int offset, double[] bankNorms, double margin) {
        int n = bank.length;
        double qNorm = squaredNorm(q);
        double[] approx = new double[n];
        for (int j = 0; j < n; j++) approx[j] = qNorm + bankNorms[j] - 2.0 * dots[offset + j];
        double cutoff = kthSmallest(approx.clone(), k) + margin;
        double[] heap = new double[k];
        int size = 0;
        for (int j = 0; j < n; j++) {
            if (approx[j] > cutoff) continue;
            double d = squaredDistance(q, bank[j]);
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

    /**
     * A bound on |approximate - exact| squared distance for unit vectors of {@code dim} components: an
     * fp32 dot product of length K errs by at most K·2^-24·Σ|q_i b_i| (any summation order, FMA or not),
     * rounding q and the product to float adds 2·2^-24, and Σ|q_i b_i| ≤ |q||b| = |b|; doubled for the -2 q·b, doubled again to be safe.
     */
    private static double errorBound(int dim) {
        return 4.0 * (dim + 4) * Math.ulp(1f) / 2;
    }

    /** The k-th smallest (1-based) of {@code a}, which it reorders (quickselect). */
    private static double kthSmallest(double[] a, int k) {
        int lo = 0, hi = a.length - 1, target = k - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) swap(a, i++, j--);
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return a[target];
        }
        return a[target];
    }

    private static double squaredNorm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return s;
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return s;
    }

    private static float[] flatten(float[][] rows) {
        int dim = rows[0].length;
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * dim, dim);
        return out;
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
        new FittedScoreFile.Builder(ScoreKind.KNN).setting("k", k).matrix("bank", bank).write(file);
    }
}
