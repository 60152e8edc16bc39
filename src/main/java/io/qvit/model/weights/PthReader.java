package io.qvit.model.weights;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch zip checkpoint (torch.save's format since 1.6): {@code <folder>/data.pkl} describes the
 * objects and {@code <folder>/data/<key>} holds each storage's raw little-endian bytes. The pickle is
 * read by {@link Unpickler} with the {@link TorchGlobals} allow-list; tensor bytes are read from the
 * zip only when asked for.
 */
public final class PthReader implements StateDict {
    /** Where training scripts put the weights, in the order they are preferred (EMA weights last: not the trained ones). */
    private static final List<String> STATE_DICT_KEYS = List.of("state_dict", "model", "model_ema");
    /** data.pkl of a weights checkpoint is a few MB at most; this bounds what a lying zip can make us allocate. */
    private static final int MAX_PICKLE_BYTES = 64 << 20;

    private final Path file;
    private final ZipFile zip;
    private final String stateDictKey;
    private final Map<String, WeightTensor> tensors;
    private volatile boolean closed;

    private PthReader(Path file, ZipFile zip) throws IOException {
        this.file = file;
        this.zip = zip;
        String prefix = archiveFolder();
        checkByteOrder(prefix);
        Object root = unpickle(prefix + "data.pkl");
        if (!(root instanceof Map<?, ?> top)) {
            throw new QvitException(file + ": holds a pickled " + typeName(root) + ", not a dict of tensors; save weights with torch.save(model.state_dict(), path)");
        }
        stateDictKey = findStateDictKey(top);
        Map<?, ?> stateDict = stateDictKey == null ? top : (Map<?, ?>) top.get(stateDictKey);
        Map<String, WeightTensor> byName = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : stateDict.entrySet()) {
            if (!(e.getKey() instanceof String name)) throw Corrupt.file(file, "state_dict key " + e.getKey() + " is not a string");
            byName.put(name, tensor(prefix, name, (TorchGlobals.TensorRef) e.getValue()));
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    public static PthReader open(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new QvitException(file + ": no such file; check the path");
        } catch (IOException | IllegalArgumentException e) {
            throw Corrupt.file(file, "not a readable zip archive (" + e.getMessage() + ")", e);
        }
        try {
            return new PthReader(file, zip);
        } catch (QvitException e) {
            closeAfterFailure(zip, e);
            throw e;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // java.util.zip reports malformed entries with these as well as with ZipException.
            closeAfterFailure(zip, e);
            throw Corrupt.file(file, "unreadable zip archive (" + e + ")", e);
        }
    }

    private static void closeAfterFailure(ZipFile zip, Exception failure) {
        try {
            zip.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** The key of the top-level dict the weights were found under ('model', 'state_dict', ...), empty for a plain state_dict. */
    public Optional<String> stateDictKey() {
        return Optional.ofNullable(stateDictKey);
    }

    /** Null for a plain state_dict, else the first key of {@link #STATE_DICT_KEYS} that holds a dict of tensors. */
    private String findStateDictKey(Map<?, ?> top) {
        if (allTensors(top)) return null;
        return STATE_DICT_KEYS.stream().filter(k -> top.get(k) instanceof Map<?, ?> m && allTensors(m)).findFirst()
                .orElseThrow(() -> new QvitException(file + ": no state_dict found; top-level keys are " + keyList(top)
                        + ", expected a dict of tensors or one under " + STATE_DICT_KEYS));
    }

    /** torch.save names the single top-level folder after the file; any name is accepted. */
    private String archiveFolder() {
        List<String> found = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) found.add(name.substring(0, slash + 1));
        }
        if (found.size() != 1) {
            throw Corrupt.file(file, found.isEmpty() ? "zip has no <folder>/data.pkl, so it is not a torch.save checkpoint"
                    : "zip has several data.pkl entries " + found);
        }
        return found.get(0);
    }

    private void checkByteOrder(String prefix) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) return; // older torch versions wrote no byteorder record and were little-endian only
        try (InputStream in = zip.getInputStream(e)) {
            String order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new QvitException(file + ": stored with byte order '" + order + "'; only little-endian checkpoints are supported, re-save it on a little-endian machine");
            }
        }
    }

    private Object unpickle(String entryName) throws IOException {
        ZipEntry e = zip.getEntry(entryName);
        byte[] pickle;
        try (InputStream in = zip.getInputStream(e)) {
            pickle = in.readNBytes(MAX_PICKLE_BYTES + 1);
        }
        if (pickle.length > MAX_PICKLE_BYTES) throw Corrupt.file(file, entryName + " is over " + MAX_PICKLE_BYTES + " bytes");
        try {
            return Unpickler.load(pickle, new TorchGlobals());
        } catch (PickleException ex) {
            if (ex.refused()) throw new QvitException(file + ": " + ex.getMessage());
            throw Corrupt.file(file, entryName + ": " + ex.getMessage());
        }
    }

    private StoredTensor tensor(String prefix, String name, TorchGlobals.TensorRef ref) {
        TorchGlobals.StorageRef storage = ref.storage();
        String entryName = prefix + "data/" + storage.key();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) throw Corrupt.tensor(file, name, "its storage " + entryName + " is missing from the archive");
        int elementBytes = storage.dtype().bytes();
        if (entry.getSize() >= 0 && entry.getSize() / elementBytes < storage.numel()) {
            throw Corrupt.tensor(file, name, "storage " + entryName + " holds " + entry.getSize() + " bytes, fewer than its "
                    + storage.numel() + " " + storage.dtype() + " elements");
        }
        StridedView view;
        try {
            view = StridedView.of(ref.offset(), ref.size(), ref.stride(), storage.numel(), elementBytes);
        } catch (PickleException e) {
            throw Corrupt.tensor(file, name, e.getMessage());
        }
        return new StoredTensor(file, name, view.shape, storage.dtype(), () -> read(name, entry, view, elementBytes));
    }

    private ByteBuffer read(String name, ZipEntry entry, StridedView view, int elementBytes) {
        if (closed) throw new QvitException(file + ": tensor '" + name + "' read after the checkpoint was closed; read tensors inside try-with-resources");
        int spanBytes = (int) ((view.end - view.first) * elementBytes);
        byte[] span;
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(view.first * elementBytes);
            span = in.readNBytes(spanBytes);
        } catch (IOException | IllegalStateException e) {
            throw Corrupt.file(file, "tensor '" + name + "': cannot read storage " + entry.getName() + " (" + e.getMessage() + ")", e);
        }
        if (span.length < spanBytes) throw Corrupt.tensor(file, name, "storage " + entry.getName() + " ends early");
        return ByteBuffer.wrap(view.contiguous() ? span : view.gather(span, elementBytes));
    }

    private static boolean allTensors(Map<?, ?> m) {
        return m.values().stream().allMatch(v -> v instanceof TorchGlobals.TensorRef);
    }

    private static String keyList(Map<?, ?> m) {
        return m.keySet().stream().limit(20).map(String::valueOf).toList().toString();
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    @Override
    public Path source() {
        return file;
    }

    @Override
    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    /** Zip checkpoints carry no free-form metadata. */
    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void close() {
        closed = true;
        try {
            zip.close();
        } catch (IOException e) {
            throw new QvitException(file + ": error closing (" + e.getMessage() + ")", e);
        }
    }
}
