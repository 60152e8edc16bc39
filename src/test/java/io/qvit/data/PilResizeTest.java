package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PilResizeTest {
    /** Every filter, up and down, one axis or both, against Pillow 12's Image.resize: every byte equal. */
    @Test
    void matchesPillowByteForByte() {
        for (JsonNode c : Fixtures.manifest().get("resize")) {
            RgbImage in = Fixtures.png(c.get("input").asText());
            RgbImage expected = Fixtures.png(c.get("expected").asText());
            Interpolation f = Interpolation.parse(c.get("interpolation").asText());
            RgbImage out = PilResize.resize(in, c.get("width").asInt(), c.get("height").asInt(), f);
            String what = in.width() + "x" + in.height() + " -> " + out.width() + "x" + out.height() + " " + f;
            assertEquals(expected.width(), out.width(), what);
            assertEquals(expected.height(), out.height(), what);
            assertNull(Fixtures.diff(expected.rgb(), out.rgb()), what);
        }
    }
}
