package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX is what cuda-kernels/compile.sh makes of the committed .cu files: every kept kernel
 * has its PTX and ptxas report, and, where the same nvcc is on the PATH, recompiling gives the same text
 * and the dev/ programs (every version of an op, run on a GPU machine) still build.
 */
class PtxUpToDateTest {
    private static final Path KERNELS = Path.of("cuda-kernels"), PTX = Path.of("ptx");

    @Test
    void everyKernelHasItsPtxAndReport() throws IOException {
        TreeSet<String> cu = names(KERNELS, ".cu"), ptx = names(PTX, ".ptx"), reports = names(PTX, ".ptxas.txt");
        assertEquals(cu, ptx, "cuda-kernels/*.cu and ptx/*.ptx must match one to one; run cuda-kernels/compile.sh");
        assertEquals(cu, reports, "every kept kernel needs its ptx/NAME.ptxas.txt; run cuda-kernels/compile.sh");
    }

    @Test
    void recompilingGivesTheCommittedPtx() throws Exception {
        String nvcc = version();
        assumeTrue(nvcc != null, "nvcc is not on the PATH: the PTX cannot be checked against its sources here");
        Path tmp = Files.createTempDirectory("qvit-ptx");
        try {
            for (String name : names(KERNELS, ".cu")) {
                String committed = Files.readString(PTX.resolve(name + ".ptx"));
                assumeTrue(committed.contains(nvcc), "ptx/" + name + ".ptx was made by another nvcc than this one (" + nvcc + ")");
                Path out = tmp.resolve(name + ".ptx");
                run(List.of("nvcc", "-ptx", "-arch=compute_80", "-O3", "-std=c++17", KERNELS.resolve(name + ".cu").toString(), "-o", out.toString()));
                assertEquals(committed, Files.readString(out), "ptx/" + name + ".ptx is stale: run cuda-kernels/compile.sh and commit the result");
            }
        } finally {
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(tmp);
        }
    }

    @Test
    void devProgramsBuild() throws Exception {
        assumeTrue(version() != null, "nvcc is not on the PATH: the dev/ programs cannot be built here");
        Path tmp = Files.createTempFile("qvit-dev", ".bin");
        try {
            for (String name : names(KERNELS.resolve("dev"), ".cu"))
                run(List.of("nvcc", "-O1", "-arch=sm_90", "-std=c++17", KERNELS.resolve("dev").resolve(name + ".cu").toString(), "-o", tmp.toString()));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static TreeSet<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** nvcc's "Cuda compilation tools, release ..." line, or null without nvcc. */
    private static String version() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out.lines().filter(l -> l.startsWith("Cuda compilation tools")).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
    }
}
