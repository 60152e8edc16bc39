package io.qvit.files;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): reads little-endian float32, float64,
 * int32 and int64 arrays of one or two dimensions in C order (as values, or as raw bytes); writes
 * float32 arrays (and raw arrays of those dtypes) atomically in version 1.0, as {@code np.save} does.
 *
 * <p>Files are untrusted: anything else (Fortran order, big-endian, other dtypes, more dimensions), a
 * header that does not parse, or a data size that does not match the header's shape gives a
 * {@link QvitException} naming the file and the problem. Nothing is allocated before the header's
 * size has been checked against the file's.
 */
public final class Npy {
    /** numpy's own loader refuses headers over 10000 bytes; allow more, but never an unbounded read. */
    private static final int MAX_HEADER = 1 << 16;
    private static final int CHUNK = 1 << 16;

    private Npy() {}

    public static NpyArray read(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            Layout layout = layout(file, channel);
            NpyHeader header = layout.header;
            double[] values = new double[(int) header.count()];
            readValues(file, channel, layout.start, header, values);
            return new NpyArray(shape(header), values);
        } catch (NoSuchFileException e) {
            throw new QvitException(file + ": no such file");
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An array as stored: its dtype ({@code <f4 <f8 <i4 <i8}), shape, and little-endian data bytes. */
    public record Raw(String dtype, int[] shape, byte[] data) {}

    /** Reads an array without converting its values (for byte-exact uses such as kernel buffers). */
    public static Raw readRaw(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            Layout layout = layout(file, channel);
            long bytes = layout.header.count() * layout.header.itemSize();
            if (bytes > Integer.MAX_VALUE - 8) throw bad(file, bytes + " bytes of data are more than one Java array holds");
            ByteBuffer data = readFully(file, channel, layout.start, (int) bytes, channel.size());
            return new Raw(layout.header.dtype(), shape(layout.header), data.array());
        } catch (NoSuchFileException e) {
            throw new QvitException(file + ": no such file");
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a 1-D array of a dtype {@link #readRaw} reads, from its little-endian bytes. */
    public static void writeRaw(Path file, String dtype, byte[] data) {
        NpyHeader header = new NpyHeader(dtype, data.length / itemSize(dtype), 1, 1);
        AtomicFile.write(file, out -> {
            out.write(header.encode());
            out.write(data);
        });
    }

    /** Bytes per element of a dtype qvit reads and writes; anything else is an IllegalArgumentException. */
    public static int itemSize(String dtype) {
        if (!dtype.matches("<[fi][48]")) throw new IllegalArgumentException("dtype " + dtype + " is not one of <f4 <f8 <i4 <i8");
        return dtype.charAt(2) - '0';
    }

    private record Layout(NpyHeader header, long start) {}

    private static int[] shape(NpyHeader header) {
        return header.dimensions() == 1 ? new int[] {header.rows()} : new int[] {header.rows(), header.columns()};
    }

    private static Layout layout(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer prefix = readFully(file, channel, 0, (int) Math.min(size, 12), size);
        for (int i = 0; i < NpyHeader.MAGIC.length; i++)
            if (prefix.limit() <= i || prefix.get(i) != NpyHeader.MAGIC[i])
                throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
        int major = prefix.limit() > 7 ? prefix.get(6) : 0;
        if (major < 1 || major > 3) throw bad(file, "unknown or missing .npy format version " + major);
        int lengthBytes = major == 1 ? 2 : 4;
        if (prefix.limit() < 8 + lengthBytes) throw bad(file, "truncated: " + size + " bytes, too short for a .npy header");
        long headerLength = major == 1 ? Short.toUnsignedInt(prefix.getShort(8)) : Integer.toUnsignedLong(prefix.getInt(8));
        if (headerLength > MAX_HEADER) throw bad(file, "header length " + headerLength + " bytes is implausible");
        long start = 8 + lengthBytes + headerLength;
        ByteBuffer headerBytes = readFully(file, channel, 8 + lengthBytes, (int) headerLength, size);
        String text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(headerBytes).toString();
        NpyHeader header = NpyHeader.parse(file, text);
        long expected = header.count() * header.itemSize();
        if (size - start != expected)
            throw bad(file, "the header declares " + expected + " bytes of " + header.dtype() + " data but the file holds "
                    + (size - start) + (size - start < expected ? " (truncated)" : ""));
        return new Layout(header, start);
    }

    /** Writes a 1-D float32 array. */
    public static void write(Path file, float[] values) {
        NpyHeader header = new NpyHeader("<f4", values.length, 1, 1);
        AtomicFile.write(file, out -> {
            out.write(header.encode());
            writeFloats(out, values);
        });
    }

    /** Writes a 2-D float32 array of {@code rows.length} rows, all as long as the first. */
    public static void write(Path file, float[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        for (int r = 0; r < rows.length; r++)
            if (rows[r].length != columns)
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, row 0 has " + columns);
        NpyHeader header = new NpyHeader("<f4", rows.length, columns, 2);
        AtomicFile.write(file, out -> {
            out.write(header.encode());
            for (float[] row : rows) writeFloats(out, row);
        });
    }

    static QvitException bad(Path file, String problem) {
        return new QvitException(file + ": " + problem);
    }

    private static ByteBuffer readFully(Path file, FileChannel channel, long position, int length, long size) throws IOException {
        if (position + length > size) throw bad(file, "truncated: " + size + " bytes, shorter than its header says");
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining())
            if (channel.read(buffer, position + buffer.position()) < 0) throw bad(file, "truncated while reading the header");
        return buffer.flip();
    }

    private static void readValues(Path file, FileChannel channel, long start, NpyHeader header, double[] values) throws IOException {
        int item = header.itemSize();
        boolean floating = header.dtype().charAt(1) == 'f';
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long position = start;
        int i = 0;
        while (i < values.length) {
            buffer.clear().limit((int) Math.min(CHUNK, (long) (values.length - i) * item));
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) throw bad(file, "truncated: the file shrank while being read");
                position += n;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                if (item == 4) values[i++] = floating ? buffer.getFloat() : buffer.getInt();
                else values[i++] = floating ? buffer.getDouble() : buffer.getLong();
            }
        }
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!buffer.hasRemaining()) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            buffer.putFloat(v);
        }
        out.write(buffer.array(), 0, buffer.position());
    }
}
