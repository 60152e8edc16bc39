/**
 * {@code qvit bench}'s measurements and result files: forward throughput and batch-1 latency per
 * model, preset and batch ({@link io.qvit.bench.ModelBench}), the PyTorch peer's numbers they are
 * compared with ({@link io.qvit.bench.PeerResults}), and {@code bench.json}, {@code bench.md} and the
 * charts ({@link io.qvit.bench.BenchReport}). The kernel level comes from the backend's
 * {@link io.qvit.backend.KernelBench}.
 */
package io.qvit.bench;
