package io.qvit.inference;

/**
 * The k most probable classes of one row of logits, with softmax probabilities (computed in double
 * after subtracting the maximum, so large logits do not overflow). Ties keep the lower class index
 * first, as {@code torch.topk} does on CPU.
 */
public record TopK(int[] classes, float[] probs) {
    public static TopK of(float[] logits, int offset, int numClasses, int k) {
        if (k < 1 || k > numClasses) throw new IllegalArgumentException("k = " + k + " for " + numClasses + " classes");
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < numClasses; i++) max = Math.max(max, logits[offset + i]);
        double sum = 0;
        for (int i = 0; i < numClasses; i++) sum += Math.exp(logits[offset + i] - max);
        int[] classes = new int[k];
        float[] probs = new float[k];
        boolean[] taken = new boolean[numClasses];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int i = 0; i < numClasses; i++)
                if (!taken[i] && (best < 0 || logits[offset + i] > logits[offset + best])) best = i;
            taken[best] = true;
            classes[r] = best;
            probs[r] = (float) (Math.exp(logits[offset + best] - max) / sum);
        }
        return new TopK(classes, probs);
    }

    public int top1() {
        return classes[0];
    }

    /** Whether {@code label} is among these classes. */
    public boolean contains(int label) {
        for (int c : classes) if (c == label) return true;
        return false;
    }
}
