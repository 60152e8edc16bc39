/**
 * The Java API: a small facade over qvit for other Java inference stacks.
 *
 * <ul>
 *   <li>{@link io.qvit.api.Qvit} loads a {@link io.qvit.api.Model}: a checkpoint file, an
 *       {@code hf:timm/NAME.TAG} spec, or a file written by {@code qvit convert}.
 *   <li>{@link io.qvit.api.Model#quantize} calibrates it at a {@link io.qvit.api.Precision};
 *       {@link io.qvit.api.Model#convert} also packs it and writes the converted file.
 *   <li>{@link io.qvit.api.Model#openSession} opens a {@link io.qvit.api.Session} with
 *       {@link io.qvit.api.SessionOptions}; a session runs float batches or image files and returns
 *       {@link io.qvit.api.Outputs}: logits, features and top-k classes.
 *   <li>{@link io.qvit.api.OodDetector} turns outputs into OOD scores, fitted on ID outputs where
 *       the score needs it.
 * </ul>
 *
 * Thread safety: models, precisions, options, outputs and detectors are immutable and may be shared
 * between threads; a session is not thread-safe (open one per thread; they can share one model).
 * Sessions own native-style resources (a thread pool, packed weights; GPU memory once there is a
 * CUDA backend) and must be closed, best with try-with-resources. Errors a user can fix are
 * {@link io.qvit.QvitException}s whose message says what to do.
 */
package io.qvit.api;
