package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit bench} end to end on the demo model's architecture: the CPU with a peer file, and a dry run on the emulator. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void cpuWritesEveryRecordWithThePeersRatios() throws IOException {
        Path peer = Files.writeString(tmp.resolve("peer.json"), """
                {"environment": {"device": "cpu"}, "records": [
                 {"model": "vit_demo_patch8_64", "mode": "eager", "batch": 2, "images_per_s": 40.0},
                 {"model": "vit_demo_patch8_64", "mode": "compile", "batch": 2, "images_per_s": null, "error": "no triton"}]}
                """);
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("bench", "--device", "cpu", "--models", "demo", "--presets", "fp32,w4a4", "--batches", "1,2", "--warmup", "1",
                "--repeats", "3", "--calib-count", "1", "--peer", peer.toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.toString());
        JsonNode root = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertEquals("qvit-bench/1", root.get("schema").asText());
        assertEquals("cpu", root.at("/environment/driver").asText());
        for (String field : List.of("device", "commit", "date", "java", "timer")) assertTrue(!root.at("/environment/" + field).asText().isEmpty(), field);
        JsonNode records = root.get("records");
        assertEquals(4, records.size(), records.toString());
        Set<String> cases = new TreeSet<>();
        for (JsonNode r : records) {
            String preset = r.get("preset").asText();
            int batch = r.get("batch").asInt();
            cases.add(preset + "/" + batch);
            double ips = r.get("images_per_s").asDouble();
            assertEquals(batch / (r.get("median_ms").asDouble() / 1e3), ips, 1e-9 * ips);
            assertEquals(batch == 1, r.get("latency_p50_ms").isNumber(), r.toString());
            assertEquals(batch == 1, r.get("latency_p99_ms").isNumber(), r.toString());
            if (batch == 1) assertTrue(r.get("latency_p99_ms").asDouble() >= r.get("latency_p50_ms").asDouble(), r.toString());
            assertTrue(r.get("latency_graphs_p50_ms").isNull(), "the CPU has no graphs: " + r);
            assertEquals(batch == 1 ? "graphs: none on this backend" : null, r.get("graphs_note").textValue(), r.toString());
            assertTrue(r.get("device_bytes").isNull(), "the CPU has no device memory: " + r);
            assertEquals(3, r.get("samples").asInt());
            long bytes = r.get("model_bytes").asLong(), fp32 = r.get("fp32_model_bytes").asLong();
            if (preset.equals("fp32")) assertEquals(fp32, bytes);
            else assertTrue(bytes * 5 < fp32, "w4a4 packs the weights at least 5x: " + r); // patch embedding at 8 bits, norms and biases in float
            assertTrue(r.get("op_ms").has("layernorm") && r.get("op_ms").has(preset.equals("fp32") ? "linear f32" : "linear int"), r.toString());
            r.get("op_ms").forEach(ms -> assertTrue(ms.asDouble() >= 0, r.toString()));
            double onDevice = 0;
            for (var op : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> r.get("op_ms").fields())
                if (!op.getKey().equals("upload") && !op.getKey().equals("download")) onDevice += op.getValue().asDouble();
            assertEquals(batch / (onDevice / 1e3), r.get("images_per_s_without_transfers").asDouble(), 1e-9 * batch / (onDevice / 1e3));
            if (batch == 2) assertEquals(ips / 40.0, r.get("ratio_vs_pytorch_fp16_eager").asDouble(), 1e-9 * ips);
            else assertTrue(r.get("ratio_vs_pytorch_fp16_eager").isNull(), "the peer has no batch 1: " + r);
            assertTrue(r.get("ratio_vs_torch_compile").isNull(), "the peer's compile failed: " + r);
        }
        assertEquals(Set.of("fp32/1", "fp32/2", "w4a4/1", "w4a4/2"), cases);
        assertTrue(Files.readString(out.resolve("bench.md")).contains("| vit_demo_patch8_64.synthetic | w4a4 | 2 |"), run.toString());
        for (String chart : List.of("throughput.png", "op_time.png")) assertTrue(Files.size(out.resolve(chart)) > 1000, chart);
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
        String[] lines = run.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("| vit_demo_patch8_64.synthetic | w4a4 | 2 |"), "the summary comes last:\n" + run);
    }

    /** The dry run of a device bench: the demo model's forward at batch 1 and every kernel at small shapes, on the emulator. */
    @Test
    void emulatorDryRun() throws IOException {
        Path out = tmp.resolve("emu");
        CliRun run = CliRun.of("bench", "--device", "emu", "--models", "demo", "--presets", "fp32,w8a8", "--batches", "1", "--warmup", "0",
                "--repeats", "1", "--calib-count", "1", "--kernels", "--kernel-models", "demo", "--shapes", "small", "--out", out.toString());
        assertEquals(0, run.exit(), run.toString());
        JsonNode root = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertEquals("emulator", root.at("/environment/driver").asText());
        for (JsonNode r : root.get("records")) {
            assertTrue(r.get("device_bytes").asLong() > 0, r.toString());
            assertTrue(r.get("latency_graphs_p50_ms").asDouble() > 0 && r.get("graphs_note").isNull(), "the emulator replays a captured graph: " + r);
        }
        Set<String> kernels = new TreeSet<>();
        for (JsonNode k : root.get("kernels")) {
            kernels.add(k.get("kernel").asText());
            if (k.get("kernel").asText().equals("cublas")) {
                assertEquals("cuBLAS runs on a GPU only", k.get("note").asText());
                continue;
            }
            assertTrue(k.get("median_ms").isNull() && k.get("thread_instructions").asLong() > 0 && k.get("global_bytes").asLong() > 0, k.toString());
            assertTrue(k.get("bytes").asDouble() > 0, k.toString());
        }
        assertEquals(new TreeSet<>(List.of("cublas", "gemm_f32", "gemm_int W8A8", "gemm_int W4A8", "gemm_int W4A4", "layernorm", "quantize_rows 8-bit",
                "quantize_rows 4-bit, rotated", "attention_f32", "attention_int (8-bit QKV, 4-bit probabilities)")), kernels);
        assertTrue(run.out().contains("| vit_demo_patch8_64 | fc2 | M=64 N=128 K=384 | gemm_int W4A4 |"), run.toString());
    }

    @Test
    void unknownPresetIsNamed() {
        CliRun run = CliRun.of("bench", "--models", "vit_tiny_patch16_224", "--presets", "fp32,w3a3");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("unknown quantization preset 'w3a3'"), run.toString());
    }
}
