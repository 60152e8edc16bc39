/**
 * Reading (and writing) checkpoint files: the tensors of a model by name.
 *
 * <p>{@link io.qvit.model.weights.StateDicts#open} picks the reader from the file's first bytes:
 * {@link io.qvit.model.weights.SafetensorsReader} (memory-mapped per tensor, header validated before
 * use) or {@link io.qvit.model.weights.PthReader} (torch.save zip checkpoints, read with a pickle
 * interpreter that only knows an allow-list of torch globals and never runs code). Both hand out
 * {@link io.qvit.model.weights.StoredTensor}s whose bytes are read on demand and widened to float
 * exactly as PyTorch's {@code .float()}. {@link io.qvit.model.weights.TimmNames} maps stored names to
 * timm's; {@link io.qvit.model.weights.SafetensorsWriter} writes safetensors files atomically.
 *
 * <p>Files are untrusted input: a truncated, corrupt or hostile file gives a
 * {@link io.qvit.QvitException} that names the file (and tensor) and says what to do, never another
 * exception or an allocation sized by a number the file made up.
 */
package io.qvit.model.weights;
