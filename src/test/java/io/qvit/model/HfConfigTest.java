package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The minimal cases ConfigFuzzTest found: one value of the vit_micro fixture's config.json changed,
 * given as --config for its weights. Each is refused with the config file named and the value said,
 * where before it was silently truncated (huge or fractional ints, numbers as text) or reported
 * without the file (VitConfig's and Preprocessing's own checks, a head that no longer fits the weights).
 */
class HfConfigTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/timm/vit_micro_patch8_32");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void brokenJsonSaysWhereWithoutJacksonsSourceNote() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"architecture\": \"vit_micro_patch8_32\",\n \"num_classes\" 10}");
        QvitException e = assertThrows(QvitException.class, () -> HfConfig.read(config));
        assertTrue(e.getMessage().contains(config + " is not valid JSON") && e.getMessage().contains("line 2, column")
                && !e.getMessage().contains("REDACTED"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "/pretrained_cfg/std/1       | 0          | std values must be positive",
        "/pretrained_cfg/crop_pct    | 1.5        | crop_pct must be in (0, 1]",
        "/pretrained_cfg/crop_pct    | '\"0.9\"'  | 'crop_pct' must be a number",
        "/pretrained_cfg/interpolation | '\"cubic\"' | unknown interpolation 'cubic'",
        "/pretrained_cfg/input_size/1 | 32.5      | 'input_size' must be an integer",
        "/pretrained_cfg/input_size/0 | 4294967299 | 'input_size' must be an integer",
        "/pretrained_cfg/input_size  | [3, 0, 0]  | input_size must be positive",
        "/pretrained_cfg/mean/2      | '\"x\"'    | 'mean' must be a list of 3 numbers",
        "/model_args/num_heads       | 4294967299 | 'num_heads' must be an integer",
        "/model_args/num_heads       | 5          | must divide into 5 heads",
        "/model_args/norm_eps        | -1         | epsilon must be positive",
        "/num_classes                | 1.0e30     | 'num_classes' must be an integer",
        "/num_classes                | 11         | mis-shaped tensors: head.weight",
    })
    void aBadValueIsRefusedNamingTheConfig(String pointer, String value, String expected) throws IOException {
        JsonNode root = JSON.readTree(FIXTURE.resolve("config.json").toFile());
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = root.at(at.head());
        if (parent instanceof ArrayNode a) a.set(Integer.parseInt(at.last().getMatchingProperty()), JSON.readTree(value));
        else ((ObjectNode) parent).set(at.last().getMatchingProperty(), JSON.readTree(value));
        Path config = Files.write(dir.resolve("config.json"), JSON.writeValueAsBytes(root));
        QvitException e = assertThrows(QvitException.class, () -> ModelLoader.load(FIXTURE.resolve("model.safetensors").toString(),
                new ModelLoader.Hints(null, config)));
        assertTrue(e.getMessage().contains(config.toString()) && e.getMessage().contains(expected), e.getMessage());
    }
}
