package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every option of every command, given a bad value on an otherwise valid command line: exit code 2
 * and a message naming the option, before any model is run. {@link #everyOptionIsCovered} keeps the
 * table complete when a command gains an option.
 */
class OptionValidationTest {
    private static final boolean NO_GPU = io.qvit.backend.cuda.jcuda.JCudaProbe.unavailableReason() != null;
    /** Options without a value: nothing to get wrong. */
    private static final Set<String> FLAGS = Set.of("help", "quiet");

    @TempDir
    static Path tmp;
    private static String model, images, noFile, noFolder, aFile, badPeer;

    @BeforeAll
    static void fixtures() throws IOException, URISyntaxException {
        model = fixture("timm/vit_micro_patch8_32/model.safetensors").toString();
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (String image : new String[] {"dec_grey.jpg", "dec_bilevel.png"}) Files.copy(fixture("preprocessing/" + image), dir.resolve(image));
        images = dir.toString();
        noFile = tmp.resolve("absent.safetensors").toString();
        noFolder = tmp.resolve("no-such-folder").resolve("out.safetensors").toString();
        aFile = Files.writeString(tmp.resolve("scores.txt"), "0.5\n0.7\n").toString();
        badPeer = Files.writeString(tmp.resolve("peer.json"), "{\"environment\": {}, \"records\": [{\"model\": \"deit_small_patch16_224\", \"mode\": \"eager\", \"batch\": 0}]}").toString();
    }

    private static Path fixture(String relative) throws URISyntaxException {
        return Path.of(OptionValidationTest.class.getResource("/fixtures/" + relative).toURI());
    }

    /** A command line with one bad option value, and the option its message must name. */
    record Case(String command, String option, String value, List<String> valid) {
        String[] args() {
            List<String> a = new ArrayList<>(List.of(command, "--" + option, value));
            a.addAll(valid);
            return a.toArray(String[]::new);
        }

        @Override
        public String toString() {
            return command + " --" + option + " " + value;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        List<String> info = List.of(model);
        add(c, "info", "arch", info, "vit_nope_patch16_224", "vit_tiny_patch16_224.no_such_tag");
        add(c, "info", "config", info, noFile, tmp.toString());
        add(c, "info", "device", info, "tpu", "cuda:1");
        if (NO_GPU) add(c, "info", "device", info, "cuda");
        add(c, "info", "threads", info, "0", "x");

        List<String> predict = List.of("--model", model, images);
        add(c, "predict", "model", List.of(images), noFile, tmp.toString(), "hf:not a repo");
        add(c, "predict", "out", predict, noFolder, tmp.toString());
        add(c, "predict", "batch", predict, "0", "-3", "many", "99999");
        add(c, "predict", "threads", predict, "0", "x", "100000");
        add(c, "predict", "device", predict, "tpu", "cuda:1", "");
        if (NO_GPU) add(c, "predict", "device", predict, "cuda", "cuda:0"); // a bad value only where JCuda finds no GPU
        add(c, "predict", "arch", predict, "vit_nope_patch16_224");
        add(c, "predict", "config", predict, noFile);
        add(c, "predict", "preset", predict, "w3a3", "W8A8x");
        for (String bits : new String[] {"wbits", "abits", "attn-bits", "softmax-bits"})
            add(c, "predict", bits, quantized(predict), "1", "9", "16", "x");
        add(c, "predict", "method", quantized(predict), "gptq", "", "repq,qvit");
        add(c, "predict", "calib", List.of("--model", model, "--preset", "w8a8", images), noFile);
        add(c, "predict", "calib-count", quantized(predict), "0", "two", "2000000");
        add(c, "predict", "calib-seed", quantized(predict), "seven", "1.5");

        List<String> convert = List.of("--model", model, "--preset", "w8a8", "--calib", images, "-o", tmp.resolve("m.safetensors").toString());
        List<String> convertNoModel = List.of("--preset", "w8a8", "--calib", images, "-o", tmp.resolve("m.safetensors").toString());
        add(c, "convert", "model", convertNoModel, noFile, "hf:");
        add(c, "convert", "out", List.of("--model", model, "--preset", "w8a8", "--calib", images), noFolder, tmp.toString(),
                tmp.resolve("m.bin").toString());
        add(c, "convert", "threads", convert, "0", "x");
        add(c, "convert", "arch", convert, "vit_nope_patch16_224");
        add(c, "convert", "config", convert, noFile);
        add(c, "convert", "preset", convert, "w3a3");
        for (String bits : new String[] {"wbits", "abits", "attn-bits", "softmax-bits"}) add(c, "convert", bits, convert, "1", "x");
        add(c, "convert", "calib", List.of("--model", model, "--preset", "w8a8", "-o", tmp.resolve("m.safetensors").toString()), noFile);
        add(c, "convert", "method", convert, "smoothquant");
        add(c, "convert", "calib-count", convert, "0");
        add(c, "convert", "calib-seed", convert, "x");

        List<String> bench = List.of("--models", "demo", "--batches", "1", "--repeats", "1", "--warmup", "0");
        List<String> kernels = List.of("--kernels", "--device", "emu", "--shapes", "small", "--kernel-models", "demo", "--repeats", "1");
        add(c, "bench", "models", List.of("--repeats", "1"), "vit_nope_patch16_224", "vit_tiny_patch16_224.bad_tag", "some/path.safetensors",
                "demo,demo", "demo,");
        add(c, "bench", "presets", bench, "w3a3", "fp32,", "fp32,,w8a8", "fp32,fp32");
        add(c, "bench", "presets", List.of("--kernels", "--device", "emu"), "fp32"); // the kernel level alone runs every precision
        add(c, "bench", "batches", bench, "0", "x", "99999", "1,", "1,1");
        add(c, "bench", "warmup", bench, "-1", "x", "5000");
        add(c, "bench", "repeats", bench, "0", "x");
        add(c, "bench", "calib-count", bench, "0", "x");
        add(c, "bench", "out", bench, aFile, tmp.resolve("no").resolve("deeper").toString());
        add(c, "bench", "peer", bench, noFile, tmp.toString(), aFile, badPeer);
        add(c, "bench", "kernels", List.of("cpu"), "--device"); // the CPU backend has no kernels of its own
        add(c, "bench", "kernel-models", kernels, "vit_nope_patch16_224", "demo,,demo");
        add(c, "bench", "kernel-models", bench, "demo"); // without --kernels
        add(c, "bench", "shapes", kernels, "tiny", "SMALL");
        add(c, "bench", "shapes", bench, "small"); // without --kernels
        add(c, "bench", "device", bench, NO_GPU ? new String[] {"tpu", "cuda"} : new String[] {"tpu"});
        add(c, "bench", "threads", bench, "0", "x");

        add(c, "metrics", "id", List.of("--ood", aFile), noFile, tmp.toString(), model);
        add(c, "metrics", "ood", List.of("--id", aFile), noFile, tmp.toString(), model);

        String out = tmp.resolve("study").toString();
        List<String> study = List.of("--models", model, "--precisions", "fp32", "--calib", images, "--id", images,
                "--ood", "set=" + images, "--out", out, "--limit", "1");
        add(c, "study", "models", without(study, "--models"), noFile, model + ",", "hf:");
        add(c, "study", "precisions", study, "w3a3", "fp32,");
        add(c, "study", "methods", study, "gptq", "qvit,", "qvit,qvit");
        add(c, "study", "calib", study, noFile);
        add(c, "study", "calib-count", study, "0", "x");
        add(c, "study", "calib-seed", study, "x");
        add(c, "study", "id", study, noFile);
        add(c, "study", "ood", study, "noequals", "set=" + noFile, "=" + images);
        add(c, "study", "fit", study, noFile);
        add(c, "study", "scores", study, "bogus", "msp,msp", "msp,");
        add(c, "study", "out", study, aFile, tmp.resolve("no").resolve("deeper").toString());
        add(c, "study", "batch", study, "0", "x");
        add(c, "study", "limit", study, "0", "x");
        add(c, "study", "device", study, NO_GPU ? new String[] {"tpu", "cuda"} : new String[] {"tpu"});
        add(c, "study", "threads", study, "0", "x");

        // the demo's generated sets: every value is checked before an image is generated
        List<String> demo = List.of("--out", tmp.resolve("demo").toString(), "--count", "8", "--scores", "msp");
        List<String> demoOwn = List.of("--model", model, "--id", images, "--ood", "set=" + images, "--calib", images, "--out", tmp.resolve("demo-own").toString(),
                "--precisions", "fp32", "--limit", "1");
        add(c, "demo", "out", demo, aFile, tmp.resolve("no").resolve("deeper").toString());
        add(c, "demo", "count", demo, "0", "x", "2000000");
        add(c, "demo", "count", List.of("--out", tmp.resolve("demo").toString()), "24"); // too few fit images for mds, vim, knn
        // a flag has no value to get wrong, only company: --generate-only followed by --model (and the model, --id, --ood)
        add(c, "demo", "generate-only", List.of(model, "--id", images, "--ood", "set=" + images), "--model");
        add(c, "demo", "precisions", demo, "w3a3", "fp32,");
        add(c, "demo", "methods", demo, "gptq", "repq,,minmax");
        add(c, "demo", "scores", demo, "bogus", "msp,msp", "msp,");
        add(c, "demo", "batch", demo, "0", "x");
        add(c, "demo", "limit", demo, "0", "x");
        add(c, "demo", "calib-count", demo, "0", "x");
        add(c, "demo", "calib-seed", demo, "x");
        add(c, "demo", "device", demo, NO_GPU ? new String[] {"tpu", "cuda"} : new String[] {"tpu"});
        add(c, "demo", "threads", demo, "0", "x");
        add(c, "demo", "calib", demo, tmp.toString()); // the demo generates its own
        add(c, "demo", "fit", demo, tmp.toString());
        add(c, "demo", "model", without(demoOwn, "--model"), noFile, "hf:");
        add(c, "demo", "id", demoOwn, noFile);
        add(c, "demo", "ood", demoOwn, "noequals", "set=" + noFile);
        add(c, "demo", "calib", demoOwn, noFile);
        add(c, "demo", "fit", demoOwn, noFile);

        List<String> emu = List.of("--ptx", "src/test/resources/io/qvit/backend/cuda/emu/kernels/reduce_sum.ptx", "--kernel", "reduce_sum",
                "--grid", "1", "--block", "64", "--smem", "256", "--arg", "a=i32[64]", "--arg", "b=i32[1]", "--arg", "n=i32:64",
                "--out", tmp.resolve("emu").toString());
        add(c, "emu", "ptx", emu, noFile, tmp.toString());
        add(c, "emu", "kernel", emu, "nope");
        add(c, "emu", "grid", emu, "0", "1,2,3,4", "x", "1,,1");
        add(c, "emu", "block", emu, "0", "-1", "x");
        add(c, "emu", "smem", emu, "-1", "x", "300000");
        add(c, "emu", "arg", emu, "a=bogus", "=i32[4]", "a=i32[0]", "a=u8[4]", "a", "a=i32:1");
        add(c, "emu", "out", emu, aFile, tmp.resolve("no").resolve("deeper").toString());
        add(c, "emu", "threads", emu, "0", "x");
        return c;
    }

    private static List<String> quantized(List<String> valid) {
        List<String> q = new ArrayList<>(List.of("--preset", "w8a8", "--calib", images));
        q.addAll(valid);
        return q;
    }

    /** {@code valid} without {@code option} and its value (the case gives its own). */
    private static List<String> without(List<String> valid, String option) {
        List<String> rest = new ArrayList<>(valid);
        int at = rest.indexOf(option);
        rest.remove(at + 1);
        rest.remove(at);
        return rest;
    }

    private static void add(List<Case> cases, String command, String option, List<String> valid, String... badValues) {
        for (String v : badValues) cases.add(new Case(command, option, v, valid.contains("--" + option) ? without(valid, "--" + option) : valid));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badValueExitsTwoNamingTheOption(Case c) {
        CliRun run = CliRun.of(c.args());
        assertEquals(Main.USAGE, run.exit(), c + "\n" + run);
        assertTrue(run.err().contains("--" + c.option()), "the message should name --" + c.option() + ":\n" + run);
        assertTrue(run.err().lines().count() <= 2, "one message, no trace:\n" + run);
    }

    /** Issue 19: commons-cli keeps the first of a repeated option; every option takes one value, so a second is an error. */
    @ParameterizedTest(name = "{0} twice")
    @MethodSource("cases")
    void aRepeatedOptionIsAnErrorNamingIt(Case c) {
        if (c.value().isEmpty() || c.value().startsWith("-")) return; // commons-cli reports these as a missing argument
        for (Command k : new Main().commands())
            if (k.name().equals(c.command()) && k.repeatable().contains(c.option()))
            return; // given once per value (qvit emu --arg)
        List<String> args = new ArrayList<>(List.of(c.command(), "--" + c.option(), c.value(), "--" + c.option(), c.value() + "x"));
        args.addAll(c.valid());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(Main.USAGE, run.exit(), c + " twice\n" + run);
        assertTrue(run.err().contains("--" + c.option() + " is given 2 times"), c + " twice\n" + run);
    }

    @Test
    void aRepeatedShortOptionIsNamedByItsLongName() {
        CliRun run = CliRun.of("predict", "--model", model, "-o", tmp.resolve("a.csv").toString(), "-o", tmp.resolve("b.csv").toString(), images);
        assertEquals(Main.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("--out is given 2 times (" + tmp.resolve("a.csv") + ", " + tmp.resolve("b.csv") + ")"), run.toString());
    }

    @Test
    void everyOptionIsCovered() {
        Set<String> missing = new TreeSet<>();
        List<Case> cases = cases();
        for (Command command : new Main().commands())
            for (Option o : command.options().getOptions())
                if (!FLAGS.contains(o.getLongOpt())
                        && cases.stream().noneMatch(k -> k.command().equals(command.name()) && k.option().equals(o.getLongOpt())))
                    missing.add(command.name() + " --" + o.getLongOpt());
        assertTrue(missing.isEmpty(), "options without a bad-value case: " + missing);
    }

    /** Issue 19: a weights path given as --arch was reported as an unknown architecture. */
    @Test
    void archTakesANameNotAFile() {
        CliRun run = CliRun.of("bench", "--models", "some/path.safetensors");
        assertEquals(Main.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("--models: 'some/path.safetensors' is a path or hub spec, but an architecture is a timm name"), run.toString());
    }

    @Test
    void cudaWithoutAGpuIsOneLine() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.qvit.backend.cuda.jcuda.JCudaProbe.unavailableReason() != null, "this machine has a GPU");
        CliRun run = CliRun.of("bench", "--models", "vit_tiny_patch16_224", "--device", "cuda");
        assertEquals(Main.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("--device: device cuda: no CUDA driver") && run.err().strip().lines().count() == 1, run.toString());
    }

    @Test
    void autoFallsBackToTheCpuWithANotice() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.qvit.backend.cuda.jcuda.JCudaProbe.unavailableReason() != null, "this machine has a GPU");
        CliRun run = CliRun.of("predict", "--model", model, "--device", "auto", "-q", images);
        assertEquals(Main.OK, run.exit(), run.toString());
        assertTrue(run.err().contains("qvit: no CUDA driver on this machine") && run.err().contains("; running on the CPU"), run.toString());
        CliRun cpu = CliRun.of("predict", "--model", model, "--device", "cpu", "-q", images);
        assertTrue(!cpu.err().contains("running on the CPU"), cpu.toString());
    }
}
