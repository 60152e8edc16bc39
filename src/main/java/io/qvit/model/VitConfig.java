package io.qvit.model;

import io.qvit.QvitException;

/**
 * The structure of a timm VisionTransformer (ViT, DeiT, distilled DeiT, DeiT3): everything the
 * graph needs to know, nothing about preprocessing.
 *
 * @param imgSize      square input size in pixels
 * @param patchSize    square patch size (the patch-embedding convolution's kernel and stride)
 * @param inChans      input channels
 * @param embedDim     token width D
 * @param depth        number of transformer blocks
 * @param numHeads     attention heads; D must divide by it
 * @param mlpHidden    hidden width of each block's MLP
 * @param qkvBias      whether the qkv projection has a bias
 * @param distilled    DeiT's distillation token and second head ({@code head_dist}); logits are their average
 * @param noEmbedClass DeiT3: the position embedding covers the patches only, not the prefix tokens
 * @param layerScale   DeiT3: per-channel LayerScale {@code ls1.gamma}, {@code ls2.gamma} after attention and MLP
 * @param normEps      LayerNorm epsilon
 * @param numClasses   head outputs
 */
public record VitConfig(
        int imgSize, int patchSize, int inChans, int embedDim, int depth, int numHeads, int mlpHidden,
        boolean qkvBias, boolean distilled, boolean noEmbedClass, boolean layerScale, float normEps, int numClasses) {

    public VitConfig {
        check(imgSize > 0 && patchSize > 0 && imgSize % patchSize == 0,
                "image size " + imgSize + " must be a positive multiple of the patch size " + patchSize);
        check(inChans > 0 && embedDim > 0 && depth > 0 && mlpHidden > 0 && numClasses > 0,
                "channels, width, depth, MLP width and classes must be positive");
        check(numHeads > 0 && embedDim % numHeads == 0,
                "embedding width " + embedDim + " must divide into " + numHeads + " heads");
        check(normEps > 0, "LayerNorm epsilon must be positive");
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new QvitException("invalid ViT configuration: " + message);
    }

    public int patchesPerSide() {
        return imgSize / patchSize;
    }

    public int numPatches() {
        return patchesPerSide() * patchesPerSide();
    }

    /** Class token, plus the distillation token for distilled DeiT. */
    public int numPrefixTokens() {
        return distilled ? 2 : 1;
    }

    public int numTokens() {
        return numPatches() + numPrefixTokens();
    }

    public int headDim() {
        return embedDim / numHeads;
    }

    /** Rows of {@code pos_embed}. */
    public int posEmbedTokens() {
        return noEmbedClass ? numPatches() : numTokens();
    }

    public VitConfig withNumClasses(int classes) {
        return new VitConfig(imgSize, patchSize, inChans, embedDim, depth, numHeads, mlpHidden, qkvBias,
                distilled, noEmbedClass, layerScale, normEps, classes);
    }

    /** Multiply-accumulates of one image's forward pass (matrix products only), for throughput reports. */
    public long macsPerImage() {
        long t = numTokens(), d = embedDim;
        long patch = (long) numPatches() * d * inChans * patchSize * patchSize;
        long block = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * mlpHidden;
        return patch + depth * block + (long) numPrefixTokens() * d * numClasses;
    }
}
