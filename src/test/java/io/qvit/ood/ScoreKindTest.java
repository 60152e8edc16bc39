package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreKindTest {
    @Test
    void parsesTheCliList() {
        assertEquals(List.of(ScoreKind.values()), ScoreKind.parseList("msp,maxlogit,energy,entropy,gen,tempscale,mds,rmds,knn,vim,react"));
        assertEquals(List.of(ScoreKind.KNN, ScoreKind.MSP), ScoreKind.parseList(" KNN , msp"));
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        QvitException e = assertThrows(QvitException.class, () -> ScoreKind.parseList("msp,odin"));
        assertTrue(e.getMessage().contains("'odin'") && e.getMessage().contains(ScoreKind.validNames()), e.getMessage());
        assertThrows(QvitException.class, () -> ScoreKind.parseList("msp,,knn"));
        assertThrows(QvitException.class, () -> ScoreKind.parseList("msp,msp"));
    }

    @Test
    void saysWhatEachNeeds() {
        assertFalse(ScoreKind.MSP.needsFit() || ScoreKind.MSP.needsFeatures() || ScoreKind.MSP.needsLabels() || ScoreKind.MSP.needsHead());
        assertTrue(ScoreKind.TEMPSCALE.needsFit() && ScoreKind.TEMPSCALE.needsLabels() && !ScoreKind.TEMPSCALE.needsFeatures());
        assertTrue(ScoreKind.MDS.needsFeatures() && ScoreKind.MDS.needsLabels() && !ScoreKind.MDS.needsHead());
        assertTrue(ScoreKind.KNN.needsFeatures() && !ScoreKind.KNN.needsLabels());
        assertTrue(ScoreKind.VIM.needsHead() && ScoreKind.REACT.needsHead());
    }
}
