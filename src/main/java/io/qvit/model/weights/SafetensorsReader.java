package io.qvit.model.weights;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file, memory-mapped read-only one tensor at a time: a whole-file mapping would cap
 * files at 2 GB, while a single tensor over 2 GB does not occur in the models qvit runs.
 */
public final class SafetensorsReader implements StateDict {
    private final Path file;
    private final FileChannel channel;
    private final Map<String, String> metadata;
    private final Map<String, WeightTensor> tensors;

    private SafetensorsReader(Path file, FileChannel channel, SafetensorsHeader header) throws IOException {
        this.file = file;
        this.channel = channel;
        this.metadata = header.metadata;
        Map<String, WeightTensor> byName = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries) {
            ByteBuffer mapped = map(e, header.dataStart);
            byName.put(e.name(), new StoredTensor(file, e.name(), e.shape(), e.dtype(), mapped::duplicate));
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    public static SafetensorsReader open(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            return new SafetensorsReader(file, channel, SafetensorsHeader.read(file, channel));
        } catch (NoSuchFileException e) {
            throw new QvitException(file + ": no such file; check the path");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new QvitException(file + ": cannot read (" + e + "); check that the file is readable", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private ByteBuffer map(SafetensorsHeader.Entry e, long dataStart) throws IOException {
        long length = e.end() - e.begin();
        if (length > Integer.MAX_VALUE) {
            throw new QvitException(file + ": tensor '" + e.name() + "' is " + length + " bytes; tensors over 2 GB are not supported");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), length);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing with a more useful error
        }
    }

    @Override
    public Path source() {
        return file;
    }

    @Override
    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Closes the file; mappings already handed out stay valid until they are garbage-collected. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new QvitException(file + ": error closing (" + e.getMessage() + ")", e);
        }
    }
}
