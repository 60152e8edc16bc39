package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import org.junit.jupiter.api.Test;

class InterpolationTest {
    @Test
    void parsesTimmNamesBothWays() {
        for (Interpolation i : Interpolation.values()) assertEquals(i, Interpolation.parse(i.timmName()));
        assertEquals(Interpolation.BICUBIC, Interpolation.parse("BICUBIC"));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        QvitException e = assertThrows(QvitException.class, () -> Interpolation.parse("area"));
        assertTrue(e.getMessage().contains("'area'") && e.getMessage().contains("bicubic, "), e.getMessage());
    }
}
