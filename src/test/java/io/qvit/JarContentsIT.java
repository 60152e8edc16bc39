package io.qvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar (failsafe runs this after {@code package}, with the jar's path in
 * {@code qvit.jar}) carries every committed PTX file under {@code io/qvit/ptx/} and the Jandex
 * class index, and keeps its main class for {@code java -jar}.
 */
class JarContentsIT {
    @Test
    void jarCarriesThePtxAndTheClassIndex() throws IOException {
        Path jar = Path.of(System.getProperty("qvit.jar"));
        Path ptxDir = Path.of(System.getProperty("qvit.ptx"));
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar + "; run mvn verify");
        Set<String> committed = new TreeSet<>();
        try (Stream<Path> s = Files.list(ptxDir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ptx")).forEach(n -> committed.add("io/qvit/ptx/" + n));
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            Set<String> packaged = new TreeSet<>();
            j.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/qvit/ptx/") && n.endsWith(".ptx")).forEach(packaged::add);
            assertEquals(committed, packaged, "the jar's PTX should be exactly the committed ptx/*.ptx");
            assertNotNull(j.getEntry("META-INF/jandex.idx"), "the jar has no Jandex index");
            assertTrue(j.getJarEntry("META-INF/jandex.idx").getSize() > 1000, "the Jandex index is suspiciously small");
            assertNotNull(j.getEntry("io/qvit/api/Session.class"));
            assertEquals("io.qvit.cli.Main", j.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }
}
