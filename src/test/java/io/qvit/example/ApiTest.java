package io.qvit.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.api.Model;
import io.qvit.api.OodDetector;
import io.qvit.api.Outputs;
import io.qvit.api.Precision;
import io.qvit.api.Qvit;
import io.qvit.api.Session;
import io.qvit.api.SessionOptions;
import io.qvit.backend.Device;
import io.qvit.ood.ScoreKind;
import io.qvit.ood.ScoreSettings;
import io.qvit.testsupport.Floats;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API's contract, through its public types only, on the committed micro model. */
class ApiTest {
    private static final SessionOptions CPU = SessionOptions.builder().device(Device.CPU).threads(2).build();

    private static Path micro(String file) throws URISyntaxException {
        return EmbeddingExampleTest.fixture("timm/vit_micro_patch8_32/" + file);
    }

    @Test
    void floatBatchesGiveTimmsLogitsAndFeatures() throws URISyntaxException {
        Model model = Qvit.load(micro("model.safetensors").toString());
        float[] input = Floats.read(micro("input.f32"));
        int batch = input.length / (3 * model.inputSize() * model.inputSize());
        try (Session session = model.openSession(CPU)) {
            Outputs out = session.run(input, batch);
            assertEquals(batch, out.size());
            assertEquals(model.numClasses(), out.numClasses());
            assertEquals(model.featureDim(), out.featureDim());
            float[] logits = new float[batch * out.numClasses()], features = new float[batch * out.featureDim()];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(out.logits(i), 0, logits, i * out.numClasses(), out.numClasses());
                System.arraycopy(out.features(i), 0, features, i * out.featureDim(), out.featureDim());
            }
            Floats.assertClose(Floats.read(micro("logits.f32")), logits, 1e-5, 1e-4, "logits");
            Floats.assertClose(Floats.read(micro("features.f32")), features, 1e-5, 1e-4, "features");
            assertThrows(QvitException.class, () -> session.run(new float[7], 1));
        }
    }

    @Test
    void sessionsOnOneModelRunInParallel(@TempDir Path dir) throws Exception {
        List<Path> images = EmbeddingExampleTest.images(dir);
        Model model = Qvit.load(micro("model.safetensors").toString()).quantize(Precision.W8A8, images);
        float[] expected;
        try (Session session = model.openSession(CPU)) {
            expected = session.run(images).logits(2);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++)
                runs.add(pool.submit(() -> {
                    try (Session session = model.openSession(SessionOptions.builder().device(Device.CPU).threads(1).build())) {
                        float[] last = null;
                        for (int i = 0; i < 5; i++) last = session.run(images).logits(2);
                        return last;
                    }
                }));
            for (Future<float[]> r : runs) assertArrayEquals(expected, r.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void devices() throws URISyntaxException {
        Model model = Qvit.load(micro("model.safetensors").toString());
        try (Session auto = model.openSession(SessionOptions.builder().threads(1).build())) {
            if (auto.device() == Device.CPU) assertTrue(auto.notice().orElseThrow().contains("running on the CPU"), auto.notice().toString());
            else assertFalse(auto.notice().isPresent());
        }
        try (Session cpu = model.openSession(CPU)) {
            assertFalse(cpu.notice().isPresent());
        }
        if (io.qvit.backend.cuda.jcuda.JCudaProbe.unavailableReason() != null) {
            QvitException cuda = assertThrows(QvitException.class,
                    () -> model.openSession(SessionOptions.builder().device(Device.CUDA).build()));
            assertTrue(cuda.getMessage().contains("device cuda") && !cuda.getMessage().contains("\n"), cuda.getMessage());
        }
        assertThrows(QvitException.class, () -> SessionOptions.builder().threads(0));
    }

    @Test
    void closedSessionsRefuseWork(@TempDir Path dir) throws IOException, URISyntaxException {
        Model model = Qvit.load(micro("model.safetensors").toString());
        Session session = model.openSession(CPU);
        session.close();
        session.close();
        assertThrows(IllegalStateException.class, () -> session.run(EmbeddingExampleTest.images(dir)));
    }

    /** Issue 19: an all-NaN batch gave class 0 with a NaN probability on the fp32 path; the quantized one refused it. */
    @Test
    void nonFiniteImagesAreRefusedAtEveryPrecision(@TempDir Path dir) throws IOException, URISyntaxException {
        Model fp32 = Qvit.load(micro("model.safetensors").toString());
        int per = 3 * fp32.inputSize() * fp32.inputSize();
        float[] oneBad = new float[2 * per];
        for (int i = 0; i < oneBad.length; i++) oneBad[i] = (float) Math.sin(i); // finite, then one NaN in the second image
        oneBad[per + 5] = Float.NaN;
        float[] allNan = new float[per];
        Arrays.fill(allNan, Float.NaN);
        for (Model model : List.of(fp32, fp32.quantize(Precision.W8A8, EmbeddingExampleTest.images(dir)))) {
            try (Session session = model.openSession(CPU)) {
                QvitException e = assertThrows(QvitException.class, () -> session.run(allNan.clone(), 1), model.precision().toString());
                assertTrue(e.getMessage().contains("NaN"), e.getMessage());
                assertThrows(QvitException.class, () -> session.run(oneBad.clone(), 2), model.precision().toString());
            }
        }
    }

    /** Issue 19: the API created missing folders for a converted model where qvit convert refuses; both refuse, before calibrating. */
    @Test
    void convertRefusesAMissingFolderAsTheCliDoes(@TempDir Path dir) throws IOException, URISyntaxException {
        Model fp32 = Qvit.load(micro("model.safetensors").toString());
        Path out = dir.resolve("no/such/folder/model.safetensors");
        QvitException e = assertThrows(QvitException.class, () -> fp32.convert(Precision.W8A8, EmbeddingExampleTest.images(dir), out));
        assertTrue(e.getMessage().contains(out.getParent() + " does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("no")), "no folder was created");
    }

    /** Issue 19: the path of a missing model appeared twice in the message. */
    @Test
    void aMissingModelFileIsNamedOnce(@TempDir Path dir) {
        String absent = dir.resolve("absent.safetensors").toString();
        QvitException e = assertThrows(QvitException.class, () -> Qvit.load(absent));
        assertEquals(e.getMessage().indexOf(absent), e.getMessage().lastIndexOf(absent), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void unreadableImagesAreNamed(@TempDir Path dir) throws IOException, URISyntaxException {
        Path broken = Files.writeString(dir.resolve("broken.png"), "not a png");
        try (Session session = Qvit.load(micro("model.safetensors").toString()).openSession(CPU)) {
            QvitException e = assertThrows(QvitException.class, () -> session.run(List.of(broken)));
            assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        }
    }

    /** A method other than qvit's goes through convert and back; an unknown one is refused by name. */
    @Test
    void precisionCarriesTheMethod(@TempDir Path dir) throws IOException, URISyntaxException {
        List<Path> images = EmbeddingExampleTest.images(dir);
        Precision repq = Precision.W8A8.withMethod("repq");
        assertEquals("repq", repq.method());
        assertEquals("qvit", Precision.W8A8.method());
        assertTrue(!repq.equals(Precision.W8A8) && repq.equals(Precision.W8A8.withMethod("REPQ")));
        Path file = dir.resolve("micro_repq_w8a8.safetensors");
        Qvit.load(micro("model.safetensors").toString()).convert(repq, images, file);
        Model reloaded = Qvit.load(file.toString());
        assertEquals(repq, reloaded.precision());
        QvitException e = assertThrows(QvitException.class, () -> Precision.W4A4.withMethod("gptq"));
        assertTrue(e.getMessage().contains("gptq") && e.getMessage().contains("repq"), e.getMessage());
    }

    @Test
    void convertedModelsRunAsIntegers(@TempDir Path dir) throws IOException, URISyntaxException {
        List<Path> images = EmbeddingExampleTest.images(dir);
        Model fp32 = Qvit.load(micro("model.safetensors").toString());
        assertEquals(Precision.FP32, fp32.precision());
        Path file = dir.resolve("micro_w8a8.safetensors");
        Model converted = fp32.convert(Precision.W8A8, images, file);
        Model reloaded = Qvit.load(file.toString());
        assertTrue(converted.isInteger() && reloaded.isInteger());
        assertEquals(Precision.W8A8, reloaded.precision());
        assertThrows(QvitException.class, () -> reloaded.quantize(Precision.W4A4, images));
        assertThrows(QvitException.class, () -> fp32.convert(Precision.of(32, 8), images, dir.resolve("x.safetensors")));
        try (Session a = converted.openSession(CPU); Session b = reloaded.openSession(CPU)) {
            Outputs x = a.run(images), y = b.run(images);
            for (int i = 0; i < images.size(); i++) assertArrayEquals(x.logits(i), y.logits(i));
            QvitException vim = assertThrows(QvitException.class, () -> OodDetector.fit(ScoreKind.VIM, reloaded, x, null));
            assertTrue(vim.getMessage().contains("float classifier head"), vim.getMessage());
        }
    }

    @Test
    void oodDetectors(@TempDir Path dir) throws IOException, URISyntaxException {
        List<Path> images = EmbeddingExampleTest.images(dir);
        Model model = Qvit.load(micro("model.safetensors").toString());
        try (Session session = model.openSession(CPU)) {
            Outputs out = session.run(images);
            assertEquals(images.size(), OodDetector.of(ScoreKind.ENERGY).score(out).length);
            assertThrows(QvitException.class, () -> OodDetector.of(ScoreKind.KNN));
            OodDetector knn = OodDetector.fit(ScoreKind.KNN, model, out, null, ScoreSettings.DEFAULTS.withKnnK(2));
            Path saved = dir.resolve("knn.safetensors");
            knn.save(saved);
            assertArrayEquals(knn.score(out), OodDetector.load(saved).score(out));
        }
    }
}
