package io.qvit.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.data.Sample;
import io.qvit.metrics.OodResult;
import io.qvit.ood.ScoreKind;
import io.qvit.quant.model.QuantMethod;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plan validation, set names and the FP32-to-low-bit deltas. */
class StudyPlanTest {
    private static final List<Sample> ONE = List.of(Sample.unlabelled(Path.of("a.png")));

    @Test
    void setNamesAreFileSafeAndUnique() {
        assertThrows(QvitException.class, () -> new StudyDataset("../x", ONE));
        assertThrows(QvitException.class, () -> new StudyDataset("x", List.of()));
        StudyDataset id = new StudyDataset("id", ONE), fit = new StudyDataset("fit", ONE);
        QvitException twice = assertThrows(QvitException.class, () -> new StudyPlan(List.of("m"), List.of("fp32"), List.of(QuantMethod.QVIT), ONE, id, fit,
                List.of(new StudyDataset("a", ONE), new StudyDataset("a", ONE)), List.of(ScoreKind.MSP), Path.of("o"), 8));
        assertTrue(twice.getMessage().contains("'a' is used twice"), twice.getMessage());
        QvitException calib = assertThrows(QvitException.class, () -> new StudyPlan(List.of("m"), List.of("fp32", "w8a8"), List.of(QuantMethod.QVIT), List.of(), id,
                fit, List.of(new StudyDataset("a", ONE)), List.of(ScoreKind.MSP), Path.of("o"), 8));
        assertTrue(calib.getMessage().contains("--calib"), calib.getMessage());
        assertEquals("vit_tiny.augreg_in21k", StudyModel.folderName("vit_tiny.augreg_in21k"));
        assertEquals("_..", StudyModel.folderName(".."));
        assertEquals("a_b", StudyModel.folderName("a/b"));
    }

    @Test
    void deltasAverageOverOodSetsThenSubtractFp32() {
        CellResult fp32 = cell("fp32", new OodResult(0.9, 0.8, 0.6, 0.2), new OodResult(0.7, 0.6, 0.4, 0.4));
        CellResult w4a4 = cell("w4a4", new OodResult(0.8, 0.7, 0.45, 0.3), new OodResult(0.6, 0.5, 0.35, 0.5));
        List<Delta> deltas = Delta.of(List.of(fp32, w4a4));
        assertEquals(1, deltas.size());
        Delta d = deltas.get(0);
        assertEquals("w4a4", d.precision());
        assertEquals(-0.1, d.auroc(), 1e-12);
        assertEquals(-0.1, d.auprOut(), 1e-12); // mean 0.4 against 0.5
        assertEquals(-0.2, d.auprOutRelative(), 1e-12);
        assertEquals(0.1, d.fpr95(), 1e-12);
        assertTrue(Delta.of(List.of(w4a4)).isEmpty(), "no FP32 cell, no deltas");
    }

    private static CellResult cell(String precision, OodResult a, OodResult b) {
        return new CellResult("m", precision, 10, null, null, Map.of(), Map.of(),
                Map.of(ScoreKind.MSP, new LinkedHashMap<>(Map.of("a", a, "b", b))));
    }
}
