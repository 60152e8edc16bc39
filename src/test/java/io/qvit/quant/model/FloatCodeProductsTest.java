package io.qvit.quant.model;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.quant.Granularity;
import io.qvit.quant.IntGemm;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import io.qvit.testsupport.TestRandom;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float GEMM's sums of codes equal IntGemm's int32 sums exactly, on fresh random operands: at
 * 4 bits, where every row is within the 2^24 bound, and at 8 bits with K = 4096, where rows of
 * large codes pass it and are summed in double instead (the first row is made of extreme codes so
 * that at least one always does).
 */
class FloatCodeProductsTest {
    @ParameterizedTest
    @CsvSource({"4,4,37,24,192", "8,8,37,24,4096", "8,4,5,3,3001"})
    void floatSumsEqualInt32Sums(int bitsA, int bitsW, int m, int n, int k) {
        SplittableRandom rnd = TestRandom.random("FloatCodeProducts");
        String what = "a" + bitsA + " w" + bitsW + " M,N,K=" + m + "," + n + "," + k + seedNote();
        float[] x = TestRandom.uniform(rnd, m * k, 3f), wv = TestRandom.uniform(rnd, n * k, 0.1f);
        for (int i = 0; i < k; i++) x[i] = i % 2 == 0 ? 3f : -3f; // far from the zero point: a row past the bound at 8 bits
        QuantFormat fa = QuantFormat.asymmetric(bitsA), fw = new QuantFormat(bitsW, true);
        QuantParams pa = QuantParams.minMax("x", x, m, fa, Granularity.PER_TOKEN), pw = QuantParams.minMax("w", wv, n, fw, Granularity.PER_CHANNEL);
        int[] a = new UniformQuantizer(pa).quantize("x", x);
        PackedCodes w = PackedCodes.pack(new UniformQuantizer(pw).quantize("w", wv), n, k, fw);
        int[] expected = IntGemm.accumulate(PackedCodes.pack(a, m, k, fa), pa, w, pw);
        try (CpuBackend cpu = new CpuBackend();
             FloatCodeProducts products = new FloatCodeProducts(Map.of("w", new QuantizedModel.PackedWeight(new int[] {n, k}, w, pw)), cpu)) {
            assertArrayEquals(expected, products.sums("w", a, m, k, pa), what);
        }
    }
}
