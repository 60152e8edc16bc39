package io.qvit.model;

import io.qvit.QvitException;
import io.qvit.model.weights.StateDict;
import io.qvit.model.weights.TimmNames;
import io.qvit.model.weights.WeightTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The float32 parameters of one ViT, checked against its {@link VitConfig}: every tensor timm's
 * model has, with timm's name and shape, and nothing else.
 */
public final class ModelWeights {
    /** One parameter: its shape and row-major data. */
    public record Param(int[] shape, float[] data) {
        /** A matrix's rows {@code [shape[0]][rest]} as new arrays (for example a classifier head's weight). */
        public float[][] rows() {
            int n = shape[0], width = data.length / n;
            float[][] rows = new float[n][];
            for (int r = 0; r < n; r++) rows[r] = Arrays.copyOfRange(data, r * width, (r + 1) * width);
            return rows;
        }
    }

    private final Map<String, Param> params;

    private ModelWeights(Map<String, Param> params) {
        this.params = params;
    }

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) throw new IllegalStateException("no parameter " + name);
        return p;
    }

    /** Present only for optional parts (distillation head, LayerScale, qkv bias). */
    public boolean has(String name) {
        return params.containsKey(name);
    }

    /**
     * A copy with some parameters' data replaced (for transforms such as reparameterisation); the
     * rest is shared, since nothing here mutates a parameter. Each replaced name must exist, and its
     * data must have the same number of elements (the shape is kept) and be finite. The arrays are
     * copied, so the caller's later writes do not reach the new instance.
     */
    public ModelWeights withParams(Map<String, float[]> replaced) {
        Map<String, Param> next = new LinkedHashMap<>(params);
        for (Map.Entry<String, float[]> e : replaced.entrySet()) {
            Param old = params.get(e.getKey());
            if (old == null) throw new QvitException("cannot replace parameter " + e.getKey() + ": the model has none");
            float[] data = e.getValue();
            if (data.length != old.data().length)
                throw new QvitException("cannot replace parameter " + e.getKey() + " of shape " + Arrays.toString(old.shape())
                        + " with " + data.length + " values");
            for (float v : data)
                if (!Float.isFinite(v)) throw new QvitException("cannot replace parameter " + e.getKey() + ": value " + v);
            next.put(e.getKey(), new Param(old.shape(), data.clone()));
        }
        return new ModelWeights(next);
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(p -> p.data().length).sum();
    }

    /** Parameters of the structure, without loading any. */
    public static long parameterCount(VitConfig c) {
        long n = 0;
        for (int[] shape : expectedShapes(c).values()) {
            long k = 1;
            for (int x : shape) k *= x;
            n += k;
        }
        return n;
    }

    /** The tensors timm's model has for this structure, by name, with their shapes. */
    public static Map<String, int[]> expectedShapes(VitConfig c) {
        int d = c.embedDim(), h = c.mlpHidden(), p = c.patchSize();
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("cls_token", new int[] {1, 1, d});
        if (c.distilled()) s.put("dist_token", new int[] {1, 1, d});
        s.put("pos_embed", new int[] {1, c.posEmbedTokens(), d});
        s.put("patch_embed.proj.weight", new int[] {d, c.inChans(), p, p});
        s.put("patch_embed.proj.bias", new int[] {d});
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            s.put(b + "norm1.weight", new int[] {d});
            s.put(b + "norm1.bias", new int[] {d});
            s.put(b + "attn.qkv.weight", new int[] {3 * d, d});
            if (c.qkvBias()) s.put(b + "attn.qkv.bias", new int[] {3 * d});
            s.put(b + "attn.proj.weight", new int[] {d, d});
            s.put(b + "attn.proj.bias", new int[] {d});
            if (c.layerScale()) s.put(b + "ls1.gamma", new int[] {d});
            s.put(b + "norm2.weight", new int[] {d});
            s.put(b + "norm2.bias", new int[] {d});
            s.put(b + "mlp.fc1.weight", new int[] {h, d});
            s.put(b + "mlp.fc1.bias", new int[] {h});
            s.put(b + "mlp.fc2.weight", new int[] {d, h});
            s.put(b + "mlp.fc2.bias", new int[] {d});
            if (c.layerScale()) s.put(b + "ls2.gamma", new int[] {d});
        }
        s.put("norm.weight", new int[] {d});
        s.put("norm.bias", new int[] {d});
        s.put("head.weight", new int[] {c.numClasses(), d});
        s.put("head.bias", new int[] {c.numClasses()});
        if (c.distilled()) {
            s.put("head_dist.weight", new int[] {c.numClasses(), d});
            s.put("head_dist.bias", new int[] {c.numClasses()});
        }
        return s;
    }

    /**
     * Binds a checkpoint's tensors (names mapped to timm's by {@link TimmNames}) to the structure.
     * Missing, unexpected and mis-shaped tensors are all reported, by name, in one error.
     */
    public static ModelWeights bind(VitConfig config, StateDict dict, String modelName) {
        Map<String, WeightTensor> byName = TimmNames.renamed(dict);
        Map<String, int[]> expected = expectedShapes(config);
        List<String> missing = new ArrayList<>(), misShaped = new ArrayList<>(), unexpected = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            WeightTensor t = byName.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!sameElements(t.shape(), e.getValue()))
                misShaped.add(e.getKey() + " is " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            else if (!t.dtype().isFloat())
                misShaped.add(e.getKey() + " has type " + t.dtype() + ", expected a float type");
        }
        for (String name : byName.keySet()) if (!expected.containsKey(name)) unexpected.add(name);
        if (!missing.isEmpty() || !misShaped.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder m = new StringBuilder("checkpoint " + dict.source() + " does not match " + modelName + ":");
            appendList(m, "missing tensors", missing);
            appendList(m, "mis-shaped tensors", misShaped);
            appendList(m, "unexpected tensors", unexpected);
            m.append("\nCheck that the architecture (--arch or config.json) is the one these weights were trained as.");
            throw new QvitException(m.toString());
        }
        Map<String, Param> params = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet())
            params.put(e.getKey(), new Param(e.getValue(), byName.get(e.getKey()).toFloats()));
        return new ModelWeights(params);
    }

    /** Seeded random weights of the right shapes (for speed measurements; not a trained model). */
    public static ModelWeights random(VitConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Param> params = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expectedShapes(config).entrySet()) {
            int n = 1;
            for (int x : e.getValue()) n *= x;
            float[] data = new float[n];
            boolean normWeight = e.getKey().endsWith("norm1.weight") || e.getKey().endsWith("norm2.weight")
                    || e.getKey().equals("norm.weight");
            for (int i = 0; i < n; i++) data[i] = normWeight ? 1f : (float) (rnd.nextGaussian() * 0.02);
            params.put(e.getKey(), new Param(e.getValue(), data));
        }
        return new ModelWeights(params);
    }

    /** Shapes agree when the data is the same (a [D] gamma may be stored as [1,1,D] and vice versa). */
    private static boolean sameElements(int[] actual, int[] expected) {
        return Arrays.equals(squeeze(actual), squeeze(expected));
    }

    private static int[] squeeze(int[] s) {
        return Arrays.stream(s).filter(x -> x != 1).toArray();
    }

    private static void appendList(StringBuilder m, String what, List<String> items) {
        if (items.isEmpty()) return;
        m.append("\n  ").append(items.size()).append(' ').append(what).append(": ");
        m.append(String.join(", ", items.subList(0, Math.min(items.size(), 12))));
        if (items.size() > 12) m.append(", ... (").append(items.size() - 12).append(" more)");
    }
}
