package io.qvit.backend.cuda.bench;

import io.qvit.backend.cuda.driver.CudaDriver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Device memory holding random floats in [-1, 1), from which {@link DeviceBuffers} fills inputs by
 * device-to-device copies, so that a large operand costs no host work.
 */
final class RandomSource implements AutoCloseable {
    final CudaDriver driver;
    final long address;
    final long bytes;

    RandomSource(CudaDriver driver, int bytes, long seed) {
        this.driver = driver;
        this.bytes = bytes;
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) b.putFloat((float) (random.nextDouble() * 2 - 1));
        address = driver.malloc(bytes);
        driver.copyToDevice(address, b.flip());
    }

    @Override
    public void close() {
        driver.free(address);
    }
}
