package io.qvit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.backend.KernelBench;
import io.qvit.files.AtomicFile;
import io.qvit.plots.ChartFiles;
import io.qvit.plots.Charts;
import org.knowm.xchart.CategoryChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A bench run's results: {@code bench.json} (every number, snake_case fields), {@code bench.md} (the
 * same as tables) and charts (throughput by preset; time per op; kernel rates where timed), each
 * written atomically. {@link #summary} is the short table the CLI prints last.
 *
 * @param method   how it was measured, in words (warm-up, repeats, calibration, shapes)
 * @param peer     the PyTorch peer, or null
 * @param kernels  the kernel level, empty when not run
 */
public record BenchReport(BenchEnvironment environment, String method, PeerResults peer, List<BenchRecord> records,
                          List<KernelBench.Result> kernels) {
    public static final String SCHEMA = "qvit-bench/1";

    /** The records with their ratios to the peer filled in (null where the peer has no rate). */
    public static List<BenchRecord> withPeer(List<BenchRecord> records, PeerResults peer) {
        if (peer == null) return records;
        List<BenchRecord> out = new ArrayList<>();
        for (BenchRecord r : records)
            out.add(r.withRatios(peer.ratio(r.model(), PeerResults.EAGER, r.batch(), r.imagesPerS()),
                    peer.ratio(r.model(), PeerResults.COMPILE, r.batch(), r.imagesPerS())));
        return out;
    }

    /** Writes bench.json, bench.md and the charts into {@code dir}; returns the files written. */
    public List<Path> write(Path dir) {
        List<Path> files = new ArrayList<>();
        Path json = dir.resolve("bench.json"), md = dir.resolve("bench.md");
        String text = json();
        AtomicFile.write(json, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
        files.add(json);
        String markdown = markdown();
        AtomicFile.write(md, o -> o.write(markdown.getBytes(StandardCharsets.UTF_8)));
        files.add(md);
        files.addAll(charts(dir));
        return files;
    }

    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", SCHEMA);
        ObjectNode env = root.putObject("environment");
        env.put("device", environment.device());
        env.put("driver", environment.driver());
        env.put("clocks", environment.clocks());
        env.put("commit", environment.commit());
        env.put("date", environment.date());
        env.put("java", environment.java());
        env.put("timer", environment.timer());
        root.put("method", method);
        if (peer == null) root.putNull("peer");
        else {
            ObjectNode p = root.putObject("peer");
            p.put("file", peer.file().toString());
            p.set("environment", peer.environment());
        }
        ArrayNode recs = root.putArray("records");
        for (BenchRecord r : records) {
            ObjectNode n = recs.addObject();
            n.put("model", r.model());
            n.put("preset", r.preset());
            n.put("batch", r.batch());
            n.put("images_per_s", r.imagesPerS());
            n.put("images_per_s_without_transfers", r.opImagesPerS());
            n.put("median_ms", r.medianMs());
            n.put("latency_p50_ms", r.latencyP50Ms());
            n.put("latency_p99_ms", r.latencyP99Ms());
            n.put("latency_graphs_p50_ms", r.latencyGraphsP50Ms());
            n.put("latency_graphs_p99_ms", r.latencyGraphsP99Ms());
            n.put("graphs_note", r.graphsNote());
            n.put("samples", r.samples());
            n.put("device_bytes", r.deviceBytes());
            n.put("model_bytes", r.modelBytes());
            n.put("fp32_model_bytes", r.fp32ModelBytes());
            n.put("ratio_vs_pytorch_fp16_eager", r.ratioVsPytorchFp16Eager());
            n.put("ratio_vs_torch_compile", r.ratioVsTorchCompile());
            ObjectNode ops = n.putObject("op_ms");
            r.opMs().forEach(ops::put);
        }
        ArrayNode ks = root.putArray("kernels");
        for (KernelBench.Result k : kernels) {
            ObjectNode n = ks.addObject();
            n.put("kernel", k.kernel());
            n.put("model", k.model());
            n.put("layer", k.layer());
            n.put("shape", k.shape());
            n.put("batch", k.batch());
            n.put("median_ms", k.medianMs());
            n.put("ops", k.ops());
            n.put("bytes", k.bytes());
            n.put("tops", k.tops());
            n.put("gb_per_s", k.gbPerS());
            n.put("fraction_of_peak", k.fractionOfPeak());
            n.put("peak", k.peak());
            n.put("thread_instructions", k.threadInstructions());
            n.put("global_bytes", k.globalBytes());
            n.put("note", k.note());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("bench.json could not be serialised", e);
        }
    }

    public String markdown() {
        StringBuilder b = new StringBuilder("# qvit bench\n\n");
        b.append("| | |\n| --- | --- |\n");
        row(b, "device", environment.device());
        row(b, "driver", environment.driver());
        row(b, "clocks", environment.clocks() == null ? "not reported" : environment.clocks());
        row(b, "commit", environment.commit());
        row(b, "date", environment.date());
        row(b, "java", environment.java());
        row(b, "timer", environment.timer());
        row(b, "method", method);
        row(b, "peer", peer == null ? "none (ratios are empty; give --peer with bench/pytorch_baseline.py's JSON)"
                : peer.file() + ": " + peer.environment());
        if (!records.isEmpty()) {
            b.append("\n## Forward passes\n\n").append(recordTable());
            Set<String> ops = new LinkedHashSet<>();
            for (BenchRecord r : records) ops.addAll(r.opMs().keySet());
            b.append("\n## Time per op (ms per forward, one forward marked op by op)\n\n| model | preset | batch |");
            for (String op : ops) b.append(' ').append(op).append(" |");
            b.append("\n| --- | --- | ---: |").append(" ---: |".repeat(ops.size())).append('\n');
            for (BenchRecord r : records) {
                b.append("| ").append(r.model()).append(" | ").append(r.preset()).append(" | ").append(r.batch()).append(" |");
                for (String op : ops) b.append(' ').append(r.opMs().containsKey(op) ? fmt("%.3f", r.opMs().get(op)) : "").append(" |");
                b.append('\n');
            }
        }
        if (!kernels.isEmpty()) b.append("\n## Kernels\n\n").append(kernelTable());
        return b.toString();
    }

    /** The short tables printed last. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(environment.device()).append(" | driver ").append(environment.driver()).append(" | commit ").append(environment.commit())
                .append(" | ").append(environment.date()).append('\n');
        if (!records.isEmpty()) b.append(recordTable());
        if (!kernels.isEmpty()) b.append(records.isEmpty() ? "" : "\n").append(kernelTable());
        return b.toString();
    }

    private String recordTable() {
        StringBuilder b = new StringBuilder("| model | preset | batch | images/s | of fp32 | images/s w/o transfers | median ms | p50 ms (b1) | p99 ms (b1) | graphs p50 ms"
                + " | device MiB | model MiB | of fp32 bytes | vs PyTorch FP16 eager | vs torch.compile |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (BenchRecord r : records) {
            Double fp32 = records.stream().filter(o -> o.model().equals(r.model()) && o.batch() == r.batch() && o.preset().equals("fp32"))
                    .map(BenchRecord::imagesPerS).findFirst().orElse(null);
            b.append(String.join(" | ", "| " + r.model(), r.preset(), String.valueOf(r.batch()), significant(r.imagesPerS()),
                    fp32 == null ? "" : fmt("%.2fx", r.imagesPerS() / fp32), r.opImagesPerS() == null ? "" : significant(r.opImagesPerS()),
                    fmt("%.2f", r.medianMs()), opt("%.2f", r.latencyP50Ms()),
                    opt("%.2f", r.latencyP99Ms()), r.latencyGraphsP50Ms() == null ? Objects.toString(r.graphsNote(), "") : fmt("%.2f", r.latencyGraphsP50Ms()),
                    r.deviceBytes() == null ? "" : fmt("%.1f", r.deviceBytes() / 1048576.0), fmt("%.2f", r.modelBytes() / 1048576.0),
                    fmt("1/%.2f", (double) r.fp32ModelBytes() / r.modelBytes()), opt("%.2fx", r.ratioVsPytorchFp16Eager()),
                    opt("%.2fx", r.ratioVsTorchCompile()))).append(" |\n");
        }
        return b.toString();
    }

    private String kernelTable() {
        StringBuilder b = new StringBuilder("| model | layer | shape | kernel | median ms | TOPS | GB/s | of peak | thread-instructions | global MB | note |\n"
                + "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (KernelBench.Result k : kernels)
            b.append(String.join(" | ", "| " + k.model(), k.layer(), k.shape(), k.kernel(), opt("%.4f", k.medianMs()), opt("%.2f", k.tops()),
                    opt("%.0f", k.gbPerS()), k.fractionOfPeak() == null ? "" : fmt("%.2f", k.fractionOfPeak()) + " (" + k.peak() + ")",
                    k.threadInstructions() == null ? "" : fmt("%.4g", (double) k.threadInstructions()),
                    k.globalBytes() == null ? "" : fmt("%.2f", k.globalBytes() / 1e6), k.note() == null ? "" : k.note())).append(" |\n");
        return b.toString();
    }

    private List<Path> charts(Path dir) {
        List<Path> files = new ArrayList<>();
        if (!records.isEmpty()) {
            List<String> cases = new ArrayList<>();
            Map<String, List<Double>> byPreset = new LinkedHashMap<>();
            for (BenchRecord r : records) {
                String c = r.model() + " b" + r.batch();
                if (!cases.contains(c)) cases.add(c);
                byPreset.computeIfAbsent(r.preset(), p -> new ArrayList<>()).add(r.imagesPerS());
            }
            files.add(ChartFiles.save(slanted(Charts.bars("Throughput by preset (" + environment.device() + ")", "images/s", cases, byPreset)), dir, "throughput"));
            List<String> ops = new ArrayList<>();
            for (BenchRecord r : records) for (String op : r.opMs().keySet()) if (!ops.contains(op)) ops.add(op);
            Map<String, List<Double>> perCase = new LinkedHashMap<>();
            int largest = records.stream().mapToInt(BenchRecord::batch).max().orElseThrow();
            for (BenchRecord r : records) {
                if (r.batch() != largest) continue;
                List<Double> v = new ArrayList<>();
                for (String op : ops) v.add(r.opMs().getOrDefault(op, 0.0) / r.batch());
                perCase.put(r.model() + " " + r.preset(), v);
            }
            files.add(ChartFiles.save(slanted(Charts.bars("Time per op type, batch " + largest, "ms per image", ops, perCase)), dir, "op_time"));
        }
        List<KernelBench.Result> timed = kernels.stream().filter(k -> k.tops() != null && k.kernel().matches("gemm_.*|cublas .*")).toList();
        if (!timed.isEmpty()) {
            List<String> shapes = new ArrayList<>();
            for (KernelBench.Result k : timed) if (!shapes.contains(label(k))) shapes.add(label(k));
            Map<String, List<Double>> byKernel = new LinkedHashMap<>();
            for (KernelBench.Result k : timed) {
                List<Double> v = byKernel.computeIfAbsent(k.kernel(), x -> new ArrayList<>(java.util.Collections.nCopies(shapes.size(), 0.0)));
                v.set(shapes.indexOf(label(k)), k.tops());
            }
            files.add(ChartFiles.save(slanted(Charts.bars("GEMM rate by kernel", "TOPS", shapes, byKernel)), dir, "gemm_tops"));
        }
        return files;
    }

    /** Category labels at an angle: op and shape names are longer than a bar group is wide. */
    private static CategoryChart slanted(CategoryChart chart) {
        chart.getStyler().setXAxisLabelRotation(30);
        return chart;
    }

    private static String label(KernelBench.Result k) {
        return k.model() + " " + k.layer() + " b" + k.batch();
    }

    private static void row(StringBuilder b, String key, Object value) {
        b.append("| ").append(key).append(" | ").append(String.valueOf(value).replace("|", "/")).append(" |\n");
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    /** Four significant digits, never an exponent: 1234, 35.26, 0.03524 (the emulator's images/s). */
    static String significant(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String opt(String f, Double v) {
        return v == null ? "" : fmt(f, v);
    }
}
