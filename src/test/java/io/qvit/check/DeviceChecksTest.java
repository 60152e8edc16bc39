package io.qvit.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device run's entry point on the PTX emulator, as bench/device/run.sh calls it on a GPU: the
 * kernel checks at small shapes (every op against the CPU; the emulator comparison skipped with its
 * reason) and the timm check on the committed micro fixtures, each check one JSON line in the log.
 */
class DeviceChecksTest {
    @TempDir
    Path dir;

    private List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) out.add(new ObjectMapper().readTree(l));
        return out;
    }

    @Test
    void kernelsOnTheEmulator() throws IOException {
        Path log = dir.resolve("checks.jsonl");
        assertEquals(0, DeviceChecks.run(new String[] {"kernels", "--device", "emu", "--size", "small", "--threads", "2", "--seed", "7", "--log", log.toString()}));
        List<JsonNode> checks = lines(log);
        int cases = KernelChecks.cases(KernelChecks.Size.SMALL, new java.util.Random(7)).size();
        assertEquals(cases + 2, checks.size(), "one line per case, the skip and the NaN report");
        for (JsonNode c : checks) assertEquals(c == checks.get(cases) ? "skip" : "pass", c.get("status").asText(), c.toString());
        JsonNode skip = checks.get(cases);
        assertEquals("skip", skip.get("status").asText());
        assertTrue(skip.get("passed").isNull() && skip.get("detail").asText().contains("no GPU"), skip.toString());
    }

    /** The GPU's comparison with the emulator, with a second emulator standing in for the GPU (what a dry run cannot reach). */
    @Test
    void comparisonWithTheEmulator() throws IOException {
        Path file = dir.resolve("both.jsonl");
        try (Backend cpu = Device.CPU.open(2); Backend device = Device.EMU.open(2); Backend emulator = Device.EMU.open(2)) {
            KernelChecks.run(cpu, device, emulator, null, KernelChecks.Size.SMALL, 11, new CheckLog(file));
        }
        List<JsonNode> checks = lines(file);
        int cases = KernelChecks.cases(KernelChecks.Size.SMALL, new java.util.Random(11)).size();
        assertEquals(2 * cases + 1, checks.size(), "each case against the CPU and the emulator, and the NaN report");
        for (JsonNode c : checks) assertEquals("pass", c.get("status").asText(), c.toString());
        assertTrue(checks.get(1).get("name").asText().endsWith("vs the emulator") && checks.get(1).get("detail").asText().contains("bit-identical"),
                checks.get(1).toString());
    }

    @Test
    void timmMicroModelsOnTheEmulator() throws IOException, URISyntaxException {
        Path log = dir.resolve("timm.jsonl");
        List<String> args = new ArrayList<>(List.of("timm", "--device", "emu", "--threads", "2", "--log", log.toString()));
        for (String name : List.of("vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"))
            args.add(Path.of(DeviceChecksTest.class.getResource("/fixtures/timm/" + name).toURI()).toString());
        args.add(dir.resolve("absent").toString());
        assertEquals(1, DeviceChecks.run(args.toArray(String[]::new)), "the absent folder fails its check");
        List<JsonNode> checks = lines(log);
        assertEquals(4, checks.size());
        for (JsonNode c : checks.subList(0, 3)) assertTrue(c.get("passed").asBoolean(), c.toString());
        assertTrue(checks.get(3).get("detail").asText().contains("does not exist"), checks.get(3).toString());
    }

    @Test
    void badUsageIsExitCodeTwo() {
        assertEquals(2, DeviceChecks.run(new String[] {}));
        assertEquals(2, DeviceChecks.run(new String[] {"kernels", "--device", "cpu"}));
        assertEquals(2, DeviceChecks.run(new String[] {"kernels", "--size", "huge", "--device", "emu"}));
        assertEquals(2, DeviceChecks.run(new String[] {"parity", "--device", "emu"}));
    }
}
