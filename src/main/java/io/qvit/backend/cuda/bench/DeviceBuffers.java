package io.qvit.backend.cuda.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device memory of one benchmarked shape, freed together on close. Float inputs are random floats
 * in [-1, 1) copied from a {@link RandomSource} at a random offset; code operands take those bytes as
 * they are (any byte is a valid 8-bit code, any nibble a 4-bit one).
 */
final class DeviceBuffers implements AutoCloseable {
    private final RandomSource source;
    private final SplittableRandom random;
    private final List<Long> owned = new ArrayList<>();

    DeviceBuffers(RandomSource source, long seed) {
        this.source = source;
        this.random = new SplittableRandom(seed);
    }

    /** {@code bytes} of random floats (the source from a random offset, repeated as needed). */
    long random(long bytes) {
        long p = allocate(bytes);
        long offset = 4 * random.nextLong(source.bytes / 8);
        for (long done = 0; done < bytes; ) {
            long n = Math.min(bytes - done, source.bytes - offset);
            source.driver.copy(p + done, source.address + offset, n);
            done += n;
            offset = 0;
        }
        return p;
    }

    /** Random whole numbers in [0, bound), one int32 each: zero points. */
    long ints(int count, int bound) {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) b.putInt(random.nextInt(bound));
        return upload(b);
    }

    /** Random floats in [lo, 2 lo): scales. */
    long positive(int count, float lo) {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) b.putFloat(lo * (1 + (float) random.nextDouble()));
        return upload(b);
    }

    /** Uninitialised memory: outputs. */
    long allocate(long bytes) {
        long p = source.driver.malloc(Math.max(1, bytes));
        owned.add(p);
        return p;
    }

    private long upload(ByteBuffer b) {
        long p = allocate(b.capacity());
        source.driver.copyToDevice(p, b.flip());
        return p;
    }

    @Override
    public void close() {
        for (long p : owned) source.driver.free(p);
        owned.clear();
    }
}
