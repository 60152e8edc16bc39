package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.quant.reparam.HadamardRotation;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Kernels#rotate} against {@link HadamardRotation#rotateInPlace} (the rotation's definition),
 * bit for bit (the tolerance is exact agreement), on fresh random rows with outliers, with the Vector
 * API and the scalar kernels, for blocks below, at and above the vector length.
 */
class RotationKernelTest {
    @ParameterizedTest(name = "{0} blocks of {1}, vector {2}")
    @CsvSource({"3,1,true", "5,2,true", "3,8,true", "7,16,true", "3,32,true", "3,128,true", "1,512,true", "3,256,true", "2,1024,true", "2,64,false", "3,16,false"})
    void matchesTheRotation(int blocks, int block, boolean vector) {
        SplittableRandom rnd = Check.random("rotate");
        Kernels k = vector ? new VectorKernels() : new ScalarKernels();
        int n = blocks * block;
        for (int trial = 0; trial < 20; trial++) {
            float[] x = Check.uniform(rnd, n, 3f);
            x[rnd.nextInt(n)] *= 40; // an outlier
            float[] expected = x.clone();
            HadamardRotation.rotateInPlace(expected, 0, n, block);
            k.rotate(x, n, block);
            for (int i = 0; i < n; i++)
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(x[i]),
                        "element " + i + " of trial " + trial + " (seed " + Check.SEED + ")");
        }
    }
}
