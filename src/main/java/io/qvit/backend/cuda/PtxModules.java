package io.qvit.backend.cuda;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The committed PTX of the kept kernels, loaded into a driver once per file: from the directory in
 * the system property {@code qvit.ptx.dir} when it is set (a kernel engineer's fresh build), else
 * from the jar ({@code io/qvit/ptx/NAME.ptx}).
 */
public final class PtxModules {
    public static final String DIR_PROPERTY = "qvit.ptx.dir";

    private final CudaDriver driver;
    private final Map<String, CudaDriver.Module> loaded = new HashMap<>();

    public PtxModules(CudaDriver driver) {
        this.driver = driver;
    }

    public CudaDriver driver() {
        return driver;
    }

    /** Kernel {@code entry} of {@code ptx/FILE.ptx}. */
    public CudaDriver.Kernel kernel(String file, String entry) {
        return loaded.computeIfAbsent(file, f -> driver.loadModule(f + ".ptx", text(f))).kernel(entry);
    }

    /** The PTX text of {@code ptx/FILE.ptx}, from {@code qvit.ptx.dir} or the classpath. */
    public static String text(String file) {
        String dir = System.getProperty(DIR_PROPERTY);
        try {
            if (dir != null) {
                Path p = Path.of(dir, file + ".ptx");
                if (!Files.isRegularFile(p))
                    throw new CudaException(p + " does not exist (-D" + DIR_PROPERTY + "=" + dir + "); run cuda-kernels/compile.sh or unset the property");
                return Files.readString(p);
            }
            try (InputStream in = PtxModules.class.getResourceAsStream("/io/qvit/ptx/" + file + ".ptx")) {
                if (in == null) throw new CudaException("the jar has no io/qvit/ptx/" + file + ".ptx; rebuild it (mvn package) from a checkout with ptx/" + file + ".ptx");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new CudaException("reading the PTX of " + file + ": " + e.getMessage());
        }
    }
}
