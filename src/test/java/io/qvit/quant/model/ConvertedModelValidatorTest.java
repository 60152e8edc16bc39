package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.QvitException;
import io.qvit.testsupport.SafetensorsEdit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19's converted files that were trusted too much, each edited by hand into a real converted
 * file (a tiny random w4a4 ViT): every one is refused with a QvitException naming the file, the
 * field or tensor, and what it should be, before any forward.
 */
class ConvertedModelValidatorTest {
    @TempDir
    static Path dir;
    private static byte[] original;

    @BeforeAll
    static void convert() throws IOException {
        Path file = dir.resolve("tiny_w4a4.safetensors");
        TinyConvertedModel.write(file, TinyConvertedModel.VIT, QuantConfig.of(4, 4), 19);
        original = java.nio.file.Files.readAllBytes(file);
    }

    private static Arguments refused(String what, Consumer<SafetensorsEdit> edit, String... named) {
        return Arguments.of(what, edit, named);
    }

    private static Consumer<SafetensorsEdit> definition(Consumer<ObjectNode> edit) {
        return e -> {
            ObjectNode d = e.metadataJson("qvit.definition");
            edit.accept(d);
            e.setMetadataJson("qvit.definition", d);
        };
    }

    private static Consumer<SafetensorsEdit> quant(String field, int bits) {
        return e -> e.setMetadataJson("qvit.quant", e.metadataJson("qvit.quant").put(field, bits));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                refused("U8 codes retyped as I8", e -> e.entry("blocks.0.attn.qkv.weight").put("dtype", "I8"),
                        "blocks.0.attn.qkv.weight is I8", "expected U8"),
                refused("32 activation bits", quant("activationBits", 32), "qvit.quant", "2 to 8 bits"),
                refused("9 weight bits", quant("weightBits", 9), "qvit.quant", "2 to 8"),
                refused("2 weight bits on 4-bit codes", quant("weightBits", 2), "weight row", "2-bit range -2 to 1"),
                refused("zero weight scale", e -> e.setFloat("blocks.1.mlp.fc1.weight.scale", 3, 0f),
                        "blocks.1.mlp.fc1.weight.scale[3] is 0.0", "at least 2^-23"),
                refused("negative weight scale", e -> e.setFloat("head.weight.scale", 0, -0.01f), "head.weight.scale[0]", "at least 2^-23"),
                refused("subnormal activation scale", e -> e.setFloat("act.patch_input.scale", 0, Float.MIN_VALUE), "act.patch_input.scale[0]",
                        "at least 2^-23"),
                refused("infinite activation scale", e -> e.setFloat("act.patch_input.scale", 0, Float.POSITIVE_INFINITY),
                        "act.patch_input.scale[0]", "finite"),
                refused("zero point 200 at 4 bits", e -> e.setFloat("act.blocks.0.v.zero_point", 0, 200f),
                        "act.blocks.0.v.zero_point[0] is 200.0", "from 0 to 15"),
                refused("fractional zero point", e -> e.setFloat("act.patch_input.zero_point", 0, 3.5f), "act.patch_input.zero_point", "whole"),
                refused("weight zero point not 0", e -> e.setFloat("blocks.0.attn.proj.weight.zero_point", 2, 1f),
                        "blocks.0.attn.proj.weight.zero_point[2]", "0 (symmetric"),
                refused("NaN divisor", e -> e.setFloat("act.blocks.0.fc2_input.divisor", 5, Float.NaN),
                        "act.blocks.0.fc2_input.divisor[5]", "finite and > 0"),
                refused("negative divisor", e -> e.setFloat("act.head_input.divisor", 0, -2f), "act.head_input.divisor[0]", "> 0"),
                refused("divisors of the wrong length (as F64, to keep the bytes)",
                        e -> e.entry("act.head_input.divisor").put("dtype", "F64").putArray("shape").add(8),
                        "act.head_input.divisor is F64 [8], expected F32 [16]"),
                refused("rotation of the wrong width", e -> e.setFloat("act.blocks.1.proj_input.rotation", 0, 8f),
                        "act.blocks.1.proj_input.rotation[0] is 8.0", "16"),
                refused("depth 1 of 2 stored blocks", definition(d -> ((ObjectNode) d.get("config")).put("depth", 1)),
                        "config.depth is 1", "stores 2 blocks"),
                refused("depth 3 of 2 stored blocks", definition(d -> ((ObjectNode) d.get("config")).put("depth", 3)),
                        "config.depth is 3"),
                refused("MLP width that the tensors do not have", definition(d -> ((ObjectNode) d.get("config")).put("mlpHidden", 28)),
                        "blocks.0.mlp.fc1.weight is U8", "expected U8 [28, 8]"),
                refused("a class count that the head does not have", definition(d -> ((ObjectNode) d.get("config")).put("numClasses", 1000)),
                        "head.bias is F32 [5], expected F32 [1000]"),
                refused("a distillation token the file lacks", definition(d -> ((ObjectNode) d.get("config")).put("distilled", true)),
                        "missing tensors", "dist_token"),
                refused("unknown tensor", e -> e.header().set("act.blocks.1.proj_input.extra", e.header().remove("act.blocks.1.proj_input.rotation")),
                        "unknown tensors", "act.blocks.1.proj_input.extra"),
                refused("a tensor in a block past the depth", e -> e.header().set("blocks.2.norm1.weight", e.header().remove("blocks.1.norm1.weight")),
                        "config.depth is 2", "stores 3 blocks"),
                refused("missing activation range", e -> e.header().set("act.blocks.1.v.range", e.header().remove("act.blocks.1.v.scale")),
                        "missing tensors: act.blocks.1.v.scale"),
                refused("divisors where the LayerNorm holds them", e -> e.header().set("act.blocks.0.qkv_input.divisor", e.header().remove("act.head_input.divisor")),
                        "unknown tensors", "act.blocks.0.qkv_input.divisor"),
                refused("non-zero padding nibble", e -> e.setByte("blocks.0.mlp.fc2.weight", 13, (byte) 0x10), "blocks.0.mlp.fc2.weight row 0", "non-zero nibble"),
                refused("NaN float parameter", e -> e.setFloat("norm.weight", 4, Float.NaN), "norm.weight[4] is NaN", "finite"),
                refused("depth as a string", definition(d -> ((ObjectNode) d.get("config")).put("depth", "2")), "qvit.definition", "not valid"),
                refused("depth as a fraction", definition(d -> ((ObjectNode) d.get("config")).put("depth", 2.5)), "qvit.definition", "not valid"),
                refused("missing class count", definition(d -> ((ObjectNode) d.get("config")).remove("numClasses")), "qvit.definition", "numClasses"),
                refused("negative width", definition(d -> ((ObjectNode) d.get("config")).put("embedDim", -16)), "qvit.definition", "positive"),
                refused("huge LayerNorm epsilon", definition(d -> ((ObjectNode) d.get("config")).put("normEps", 5)), "config.normEps", "(0, 0.1]"),
                refused("input size other than the model's", definition(d -> ((ObjectNode) d.get("pretrained")).put("inputSize", 24)),
                        "pretrained.inputSize is 24", "16"),
                refused("two mean values for three channels", definition(d -> ((ObjectNode) d.get("pretrained")).putArray("mean").add(0.5).add(0.5)),
                        "pretrained.mean", "one per input channel"),
                refused("zero std", definition(d -> ((ObjectNode) d.get("pretrained")).putArray("std").add(0.5).add(0).add(0.5)),
                        "pretrained.std", "> 0"),
                refused("unknown interpolation", definition(d -> ((ObjectNode) d.get("pretrained")).put("interpolation", "sinc")),
                        "qvit.definition pretrained", "interpolation"),
                refused("null definition", e -> e.setMetadata("qvit.definition", "null"), "qvit.definition", "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedNamingTheFileAndTheFieldOrTensor(String what, Consumer<SafetensorsEdit> edit, String[] named) throws IOException {
        SafetensorsEdit e = SafetensorsEdit.of(original);
        edit.accept(e);
        Path file = e.write(dir.resolve("edited.safetensors"));
        QvitException x = assertThrows(QvitException.class, () -> QuantizedModelFile.read(file), what);
        assertTrue(x.getMessage().startsWith(file.toString()), what + ": " + x.getMessage());
        for (String n : named) assertTrue(x.getMessage().contains(n), what + ": no '" + n + "' in: " + x.getMessage());
    }

    @Test
    void theUneditedFileReads() throws IOException {
        Path file = SafetensorsEdit.of(original).write(dir.resolve("unedited.safetensors"));
        QuantizedModelFile.Contents c = QuantizedModelFile.read(file);
        assertEquals(TinyConvertedModel.VIT, c.definition().config());
        assertEquals(3, c.model().transforms().size() - c.model().transforms().keySet().stream()
                .filter(k -> !k.equals(new ActivationKey(0, Site.FC2_INPUT)) && !k.equals(new ActivationKey(1, Site.PROJ_INPUT))
                        && !k.equals(ActivationKey.global(Site.HEAD_INPUT))).count());
    }
}
