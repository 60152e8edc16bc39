package io.qvit.bench;

import java.util.Map;

/**
 * One model at one preset and batch.
 *
 * @param imagesPerS      batch / median forward time
 * @param medianMs        median time of one forward (images in, logits out)
 * @param opImagesPerS    batch / the sum of {@code opMs} without the host-device copies ("upload", "download"): the rate with
 *                        the images already on the device, as the PyTorch peer times it; null where no op was marked
 * @param latencyP50Ms    at batch 1: the median forward time; null at other batches
 * @param latencyP99Ms    at batch 1: the 99th percentile (nearest rank) of the timed forwards; null at other batches
 * @param latencyGraphsP50Ms at batch 1: the median with the forward replayed as one captured graph ({@code VisionTransformer.replayed});
 *                        null at other batches, and where the backend has no graphs ({@code graphsNote} says so)
 * @param samples         timed forwards behind the median and percentiles
 * @param deviceBytes     device memory the backend held after this batch's runs (the weights of every preset of the model, activations, pool), or null on the CPU
 * @param modelBytes      bytes of the parameters as run: FP32 floats, or packed codes with their scales and the float parameters
 * @param ratioVsPytorchFp16Eager images/s over the peer's PyTorch FP16 eager images/s at the same model and batch, or null
 * @param ratioVsTorchCompile     the same over torch.compile's, or null
 * @param opMs            milliseconds per op and forward (the median of a few forwards marked on the backend's clock)
 */
public record BenchRecord(String model, String preset, int batch, double imagesPerS, Double opImagesPerS, double medianMs, Double latencyP50Ms,
                          Double latencyP99Ms, Double latencyGraphsP50Ms, Double latencyGraphsP99Ms, String graphsNote, int samples,
                          Long deviceBytes, long modelBytes, long fp32ModelBytes, Double ratioVsPytorchFp16Eager,
                          Double ratioVsTorchCompile, Map<String, Double> opMs) {
    /** Why a batch-1 record has no CUDA-graph latency: the backend replays by issuing the ops again. */
    public static final String GRAPHS_NOT_CAPTURED = "graphs: none on this backend";

    /** This record with the peer's ratios. */
    public BenchRecord withRatios(Double eager, Double compiled) {
        return new BenchRecord(model, preset, batch, imagesPerS, opImagesPerS, medianMs, latencyP50Ms, latencyP99Ms, latencyGraphsP50Ms,
                latencyGraphsP99Ms, graphsNote, samples, deviceBytes, modelBytes, fp32ModelBytes, eager, compiled, opMs);
    }
}
