package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.jcuda.JCudaGpuDriver;
import io.qvit.backend.cuda.jcuda.JCudaProbe;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link CudaDriver#copy}, the kernel bench's bandwidth yardstick and input filler: on the emulator, and on a GPU where there is one. */
class DeviceCopyTest {
    @Test
    void copiesExactlyTheRangeAsked() {
        List<CudaDriver> drivers = new ArrayList<>(List.of(new EmuDriver(1)));
        if (JCudaProbe.unavailableReason() == null) drivers.add(new JCudaGpuDriver(0));
        Random rnd = new Random();
        for (CudaDriver d : drivers) {
            try (d) {
                int size = 1000 + rnd.nextInt(300), from = 1 + rnd.nextInt(100), to = 1 + rnd.nextInt(100), n = 500 + rnd.nextInt(300);
                byte[] src = new byte[size], poison = new byte[size];
                rnd.nextBytes(src);
                rnd.nextBytes(poison);
                long a = d.malloc(size), b = d.malloc(size);
                d.copyToDevice(a, ByteBuffer.wrap(src));
                d.copyToDevice(b, ByteBuffer.wrap(poison));
                d.copy(b + to, a + from, n);
                ByteBuffer back = ByteBuffer.allocate(size);
                d.copyToHost(back, b);
                byte[] expected = poison.clone();
                System.arraycopy(src, from, expected, to, n);
                assertArrayEquals(expected, back.array(), d.deviceName() + ": the copied range, and nothing around it");
                if (d instanceof EmuDriver) {
                    CudaException e = assertThrows(CudaException.class, () -> d.copy(b, a + from, size));
                    assertTrue(e.getMessage().contains("cuMemcpyDtoD source") && e.getMessage().contains("past the end"), e.getMessage());
                }
            }
        }
    }
}
