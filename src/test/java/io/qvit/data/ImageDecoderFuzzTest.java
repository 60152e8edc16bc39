package io.qvit.data;

import io.qvit.testsupport.Fuzz;
import io.qvit.testsupport.Mutator;
import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated real images (the decoder fixtures: PNG of every colour type, baseline, progressive and CMYK
 * JPEG, binary and plain PNM; and real JPEGs where ../shared/data has them) decoded as qvit decodes
 * them: bytes mutated mostly in the header, and lying sizes written into the PNG IHDR (with a valid
 * CRC), the JPEG SOF and the PNM header, which must be refused before a raster of that size exists.
 */
class ImageDecoderFuzzTest {
    /** Small real JPEGs: an ImageNet photo (the smallest two) and CIFAR-10 thumbnails. */
    private static final List<String> REAL = List.of("imagenet-samples/n01871265_tusker.JPEG", "imagenet-samples/n03584829_iron.JPEG",
            "ood/cifar10/airplane_0000.jpg", "ood/cifar10/airplane_0001.jpg");
    private static final String[] PNM_NUMBERS = {"0", "-1", "65535", "65536", "2147483647", "2147483648", "99999999999999999999", "100000"};

    private record Seed(String name, byte[] bytes) {}

    @TempDir
    Path dir;

    @Test
    void mutatedImagesDecodeOrFailCleanly() throws IOException {
        List<Seed> seeds = seeds();
        Fuzz.run("image", dir, Duration.ofSeconds(90), new Fuzz.Target() {
            @Override
            public Path write(Mutator m, Path dir) throws IOException {
                Seed seed = seeds.get(m.random().nextInt(seeds.size()));
                m.note(seed.name());
                byte[] b = seed.bytes();
                byte[] mutated = m.random().nextBoolean() ? lieAboutSize(m, b) : m.mutateBytes(b, 0, Math.min(b.length, 256));
                return Files.write(dir.resolve("case.img"), mutated);
            }

            @Override
            public void read(Path file) {
                ImageDecoder.decode(file);
            }
        });
    }

    /** A made-up width or height in the format's header; the rest of the file stays as it was. */
    private static byte[] lieAboutSize(Mutator m, byte[] b) {
        boolean height = m.random().nextBoolean();
        String field = height ? "height" : "width";
        if ((b[0] & 0xff) == 0x89) { // PNG: IHDR data at 16 (width) and 20 (height), its CRC at 29
            byte[] out = m.lieAboutSize(b, height ? 20 : 16, 4, ByteOrder.BIG_ENDIAN, "IHDR " + field);
            CRC32 crc = new CRC32();
            crc.update(out, 12, 17);
            return m.overwrite(out, 29, new byte[] {(byte) (crc.getValue() >> 24), (byte) (crc.getValue() >> 16),
                    (byte) (crc.getValue() >> 8), (byte) crc.getValue()});
        }
        if ((b[0] & 0xff) == 0xFF) { // JPEG: SOFn is FF C0..C2, then length, precision, height, width
            for (int i = 2; i + 9 < b.length; i++) {
                if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) >= 0xC0 && (b[i + 1] & 0xff) <= 0xC2) {
                    return m.lieAboutSize(b, i + (height ? 5 : 7), 2, ByteOrder.BIG_ENDIAN, "SOF " + field);
                }
            }
            return b;
        }
        // PNM: the first or second decimal number of the header.
        String text = new String(b, StandardCharsets.ISO_8859_1);
        String number = PNM_NUMBERS[m.random().nextInt(PNM_NUMBERS.length)];
        m.note("PNM " + field + " := " + number);
        String lie = height ? text.replaceFirst("^(P\\d\\s+\\d+\\s+)\\d+", "$1" + number) : text.replaceFirst("^(P\\d\\s+)\\d+", "$1" + number);
        return lie.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Fixtures.DIR)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("dec_.*\\.(png|jpg|pgm|ppm)")).sorted().toList()) {
                seeds.add(new Seed(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        }
        for (String name : REAL) {
            Path real = SharedData.root().resolve(name);
            if (Files.isRegularFile(real)) seeds.add(new Seed(name, Files.readAllBytes(real)));
        }
        return seeds;
    }
}
