package io.qvit.model;

import java.nio.file.Path;

/** A model's definition and checked float32 weights, read from {@code source}, not yet on a backend. */
public record LoadedModel(ModelDefinition definition, ModelWeights weights, Path source) {}
