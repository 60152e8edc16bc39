package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each test kernel's committed PTX is what nvcc makes of its committed .cu today (checked where nvcc is
 * on the PATH; skipped elsewhere). Regenerate with
 * {@code nvcc -ptx -arch=compute_80 X.cu -o X.ptx} in src/test/resources/io/qvit/backend/cuda/emu/kernels.
 */
class CommittedPtxTest {
    private static final Path DIR = Path.of("src/test/resources/io/qvit/backend/cuda/emu/kernels");

    static Stream<String> sources() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).sorted().toList().stream();
        }
    }

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(dir, "nvcc"))) return true;
        return false;
    }

    @ParameterizedTest
    @MethodSource("sources")
    void committedPtxIsNvccsOutput(String cu, @TempDir Path tmp) throws Exception {
        assumeTrue(nvccOnPath(), "nvcc is not on the PATH");
        Path fresh = tmp.resolve(cu.replace(".cu", ".ptx"));
        Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_80", DIR.resolve(cu).toString(), "-o", fresh.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "nvcc did not finish");
        assertEquals(0, p.exitValue(), "nvcc failed on " + cu + ":\n" + log);
        Path committed = DIR.resolve(cu.replace(".cu", ".ptx"));
        assertEquals(withoutHeader(Files.readAllLines(committed)), withoutHeader(Files.readAllLines(fresh)),
                committed + " is not nvcc's output for " + cu + "; regenerate it: (cd " + DIR + " && nvcc -ptx -arch=compute_80 " + cu + " -o "
                        + committed.getFileName() + ")");
    }

    /** The PTX without nvcc's leading comment block (compiler build id), which says nothing about the code. */
    private static List<String> withoutHeader(List<String> lines) {
        int i = 0;
        while (i < lines.size() && (lines.get(i).startsWith("//") || lines.get(i).isBlank())) i++;
        return lines.subList(i, lines.size());
    }
}
