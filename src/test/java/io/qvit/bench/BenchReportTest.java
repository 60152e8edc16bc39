package io.qvit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.backend.KernelBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench.json holds every field of every record and kernel result as given; bench.md a row for each; the charts are written. */
class BenchReportTest {
    @TempDir
    Path tmp;

    @Test
    void everyFieldReachesTheFiles() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        List<BenchRecord> records = new ArrayList<>();
        for (String model : List.of("deit_small_patch16_224", "vit_base_patch16_224"))
            for (String preset : List.of("fp32", "w8a8", "w4a4"))
                for (int batch : List.of(1, 3, 7)) {
                    Map<String, Double> ops = new TreeMap<>(Map.of("layernorm", rnd.nextDouble(), "linear int", 1 + rnd.nextDouble()));
                    double ms = 1 + 10 * rnd.nextDouble();
                    records.add(new BenchRecord(model, preset, batch, batch / ms * 1e3, rnd.nextBoolean() ? null : batch / ms * 2e3, ms, batch == 1 ? ms : null, batch == 1 ? 2 * ms : null,
                            null, null, BenchRecord.GRAPHS_NOT_CAPTURED, 1 + rnd.nextInt(50), rnd.nextBoolean() ? null : rnd.nextLong(1L << 40),
                            1 + rnd.nextLong(1L << 30), 1 + rnd.nextLong(1L << 32), rnd.nextBoolean() ? null : rnd.nextDouble() * 3,
                            rnd.nextBoolean() ? null : rnd.nextDouble() * 3, ops));
                }
        List<KernelBench.Result> kernels = List.of(
                new KernelBench.Result("gemm_int W4A4", "vit_small_patch16_224", "fc1", "M=197 N=1536 K=384", 1, 0.01 + rnd.nextDouble(), 2.3e8, 1.1e6,
                        rnd.nextDouble() * 500, rnd.nextDouble() * 3000, rnd.nextDouble(), "cublas INT8 best in this run, 1.0 TOPS", null, null, null),
                new KernelBench.Result("layernorm", "vit_small_patch16_224", "norm1/norm2", "rows=64 D=384", 0, null, 0, 1.9e5, null, null, null,
                        null, 1L + rnd.nextInt(1 << 20), 1L + rnd.nextInt(1 << 20), "emulator: counts, not time"));
        BenchEnvironment env = new BenchEnvironment("NVIDIA H100 80GB HBM3 (sm_90)", "13.0", "SM max 1980 MHz", "abc1234", "2026-12-06T00:00:00Z", "java 17", "events");
        BenchReport report = new BenchReport(env, "a method", null, records, kernels);
        Path dir = tmp.resolve("out");
        List<Path> files = report.write(dir);
        assertEquals(List.of("bench.json", "bench.md", "throughput.png", "op_time.png", "gemm_tops.png"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files) assertTrue(Files.size(f) > 100, f.toString());

        JsonNode root = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        assertEquals(BenchReport.SCHEMA, root.get("schema").asText());
        assertEquals("SM max 1980 MHz", root.at("/environment/clocks").asText());
        assertEquals("abc1234", root.at("/environment/commit").asText());
        assertTrue(root.get("peer").isNull());
        assertEquals(records.size(), root.get("records").size());
        for (int i = 0; i < records.size(); i++) {
            BenchRecord r = records.get(i);
            JsonNode n = root.get("records").get(i);
            assertEquals(r.model(), n.get("model").asText());
            assertEquals(r.preset(), n.get("preset").asText());
            assertEquals(r.batch(), n.get("batch").asInt());
            assertEquals(r.imagesPerS(), n.get("images_per_s").asDouble());
            assertEquals(r.medianMs(), n.get("median_ms").asDouble());
            assertNullable(r.opImagesPerS(), n.get("images_per_s_without_transfers"));
            assertNullable(r.latencyP50Ms(), n.get("latency_p50_ms"));
            assertNullable(r.latencyP99Ms(), n.get("latency_p99_ms"));
            assertNullable(r.latencyGraphsP50Ms(), n.get("latency_graphs_p50_ms"));
            assertNullable(r.latencyGraphsP99Ms(), n.get("latency_graphs_p99_ms"));
            assertEquals(r.graphsNote(), n.get("graphs_note").asText());
            assertEquals(r.samples(), n.get("samples").asInt());
            if (r.deviceBytes() == null) assertTrue(n.get("device_bytes").isNull());
            else assertEquals((long) r.deviceBytes(), n.get("device_bytes").asLong());
            assertEquals(r.modelBytes(), n.get("model_bytes").asLong());
            assertEquals(r.fp32ModelBytes(), n.get("fp32_model_bytes").asLong());
            assertNullable(r.ratioVsPytorchFp16Eager(), n.get("ratio_vs_pytorch_fp16_eager"));
            assertNullable(r.ratioVsTorchCompile(), n.get("ratio_vs_torch_compile"));
            assertEquals(r.opMs().size(), n.get("op_ms").size());
            r.opMs().forEach((op, ms) -> assertEquals(ms, n.get("op_ms").get(op).asDouble()));
        }
        for (int i = 0; i < kernels.size(); i++) {
            KernelBench.Result k = kernels.get(i);
            JsonNode n = root.get("kernels").get(i);
            assertEquals(k.kernel(), n.get("kernel").asText());
            assertEquals(k.shape(), n.get("shape").asText());
            assertEquals(k.batch(), n.get("batch").asInt());
            assertNullable(k.medianMs(), n.get("median_ms"));
            assertEquals(k.ops(), n.get("ops").asDouble());
            assertEquals(k.bytes(), n.get("bytes").asDouble());
            assertNullable(k.tops(), n.get("tops"));
            assertNullable(k.gbPerS(), n.get("gb_per_s"));
            assertNullable(k.fractionOfPeak(), n.get("fraction_of_peak"));
            assertEquals(k.threadInstructions() == null, n.get("thread_instructions").isNull());
            assertEquals(k.note() == null, n.get("note").isNull());
        }

        String md = Files.readString(dir.resolve("bench.md"));
        for (BenchRecord r : records) assertTrue(md.contains("| " + r.model() + " | " + r.preset() + " | " + r.batch() + " | "), r.toString());
        assertTrue(md.contains("| gemm_int W4A4 |") && md.contains("| layernorm |") && md.contains("| driver | 13.0 |"), md);
        try (var listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
        assertTrue(report.summary().startsWith("NVIDIA H100 80GB HBM3 (sm_90) | driver 13.0 | commit abc1234"), report.summary());
    }

    private static void assertNullable(Double expected, JsonNode actual) {
        if (expected == null) assertTrue(actual.isNull(), String.valueOf(actual));
        else assertEquals(expected, actual.asDouble());
    }

    @Test
    void ratesKeepFourSignificantDigits() {
        assertEquals("1235", BenchReport.significant(1234.56));
        assertEquals("35.26", BenchReport.significant(35.2631));
        assertEquals("0.03524", BenchReport.significant(0.0352449));
        assertEquals("12350", BenchReport.significant(12345.6));
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        SplittableRandom rnd = new SplittableRandom(3);
        List<Double> sorted = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble();
            sorted.add(v[i]);
        }
        sorted.sort(null);
        assertEquals(sorted.get(49), ModelBench.percentile(v, 50));
        assertEquals(sorted.get(98), ModelBench.percentile(v, 99));
        assertEquals(sorted.get(99), ModelBench.percentile(v, 100));
        assertEquals(4.0, ModelBench.percentile(new double[] {4}, 99));
    }
}
