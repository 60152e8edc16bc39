package io.qvit.model.weights;

import java.nio.file.Path;
import java.util.Map;

/**
 * The tensors of one checkpoint file, by name. Implementations may hold a memory-mapped file or an
 * open zip, hence {@link AutoCloseable}.
 */
public interface StateDict extends AutoCloseable {
    /** The file the tensors came from (for error messages). */
    Path source();

    /** Tensors by name, in file order. */
    Map<String, WeightTensor> tensors();

    /** Free-form metadata (safetensors {@code __metadata__}); empty when the format has none. */
    Map<String, String> metadata();

    @Override
    void close();
}
