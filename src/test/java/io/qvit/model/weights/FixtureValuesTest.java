package io.qvit.model.weights;

import static io.qvit.testsupport.Floats.assertSameFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture, opened through {@link StateDicts#open}, holds exactly the tensors torch saved: names
 * in file order, shapes, dtypes, metadata, the state-dict key, and every element bit-exact with
 * torch's .float() (so F16/BF16 widening, storage offsets and transposed views are all checked).
 */
class FixtureValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"tensors_f32.safetensors", "tensors_f16.safetensors", "tensors_bf16.safetensors",
            "halves.safetensors", "plain.pth", "deit_model.pth", "views.pth", "protocol4.pth"})
    void matchesTorch(String fixture) {
        Fixtures.Expected expected = Fixtures.expected(fixture);
        try (StateDict sd = StateDicts.open(Fixtures.path(fixture))) {
            Class<?> reader = fixture.endsWith(".pth") ? PthReader.class : SafetensorsReader.class;
            assertInstanceOf(reader, sd);
            assertEquals(expected.tensors().stream().map(Fixtures.Tensor::name).toList(), new ArrayList<>(sd.tensors().keySet()));
            assertEquals(expected.metadata(), sd.metadata());
            if (sd instanceof PthReader pth) assertEquals(Optional.ofNullable(expected.stateDictKey()), pth.stateDictKey());
            List<String> timmNames = new ArrayList<>(TimmNames.renamed(sd).keySet());
            assertEquals(expected.tensors().stream().map(Fixtures.Tensor::timmName).toList(), timmNames);
            for (Fixtures.Tensor t : expected.tensors()) {
                WeightTensor actual = sd.tensors().get(t.name());
                assertEquals(t.name(), actual.name());
                assertArrayEquals(t.shape(), actual.shape(), t.name());
                assertEquals(t.dtype(), actual.dtype(), t.name());
                assertEquals(t.values().length, actual.numel(), t.name());
                assertEquals(actual.numel() * actual.dtype().bytes(), ((StoredTensor) actual).bytes().remaining(), t.name());
                assertSameFloats(t.values(), actual.toFloats(), fixture + " " + t.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tensors_f16.safetensors", "tensors_bf16.safetensors"})
    void halfPrecisionFilesHoldTheF32ValuesRounded(String fixture) {
        // The 16-bit files were made from the same tensors; the widened values must be within half-precision rounding.
        try (StateDict f32 = StateDicts.open(Fixtures.path("tensors_f32.safetensors"));
             StateDict half = StateDicts.open(Fixtures.path(fixture))) {
            for (Map.Entry<String, WeightTensor> e : f32.tensors().entrySet()) {
                float[] a = e.getValue().toFloats();
                float[] b = half.tensors().get(e.getKey()).toFloats();
                double relative = fixture.contains("bf16") ? 0x1p-8 : 0x1p-11;
                for (int i = 0; i < a.length; i++) {
                    // F16 subnormals below 2^-14 carry an absolute error up to 2^-25.
                    assertEquals(a[i], b[i], Math.abs(a[i]) * relative + 0x1p-25, e.getKey() + "[" + i + "]");
                }
            }
        }
    }
}
