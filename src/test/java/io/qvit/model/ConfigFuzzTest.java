package io.qvit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.testsupport.Fuzz;
import io.qvit.testsupport.Mutator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated timm config.json files (the three fixture models') given to {@link ModelLoader} as
 * {@code --config} for their own weights: values of the wrong type, huge, negative or fractional
 * numbers, missing fields and deep nesting as JSON tree mutations, and broken JSON as byte mutations.
 * A config that loads must also give a usable preprocessing.
 */
class ConfigFuzzTest {
    private static final Path TIMM = Path.of("src/test/resources/fixtures/timm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Seed(String arch, JsonNode json, byte[] bytes) {}

    @TempDir
    Path dir;

    @Test
    void mutatedConfigsLoadOrFailCleanly() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String arch : List.of("vit_micro_patch8_32", "deit_micro_distilled_patch8_32", "deit3_micro_patch8_32")) {
            byte[] bytes = Files.readAllBytes(TIMM.resolve(arch).resolve("config.json"));
            seeds.add(new Seed(arch, JSON.readTree(bytes), bytes));
        }
        String[] weights = {null};
        Fuzz.run("config", dir, Duration.ofSeconds(90), new Fuzz.Target() {
            @Override
            public Path write(Mutator m, Path dir) throws IOException {
                Seed seed = seeds.get(m.random().nextInt(seeds.size()));
                m.note(seed.arch());
                weights[0] = TIMM.resolve(seed.arch()).resolve("model.safetensors").toString();
                byte[] mutated = m.random().nextInt(4) == 0 ? m.mutateBytes(seed.bytes()) : m.mutateJson(seed.json());
                return Files.write(dir.resolve("config.json"), mutated);
            }

            @Override
            public void read(Path file) {
                LoadedModel model = ModelLoader.load(weights[0], new ModelLoader.Hints(null, file));
                model.definition().pretrained().preprocessing();
            }
        });
    }
}
