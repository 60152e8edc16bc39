package io.qvit.hub;

import java.nio.file.Path;

/**
 * A Hub model present and verified in the local cache.
 *
 * @param weights  the {@code model.safetensors} file
 * @param config   the {@code config.json} file
 * @param repoId   for example {@code timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k}
 * @param revision the commit hash the files belong to (the spec's branch or tag, resolved), for reproducible reports
 */
public record ResolvedModel(Path weights, Path config, String repoId, String revision) {}
