package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TextProgressBarTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final AtomicLong clock = new AtomicLong();

    private TextProgressBar bar(boolean interactive) {
        return new TextProgressBar(new PrintStream(buffer, true, StandardCharsets.UTF_8), interactive, clock::get);
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** 100 chunks of 10 kB, one every 10 ms: 1 MB in 1 s. */
    private void download(TextProgressBar bar) {
        bar.start("model.safetensors", 1_000_000);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(10_000_000L);
            bar.advance(10_000);
        }
        bar.done();
    }

    @Test
    void logModePrintsAFewPlainLines() {
        download(bar(false));
        String[] lines = output().split("\n");
        assertFalse(output().contains("\r"));
        assertEquals(11, lines.length, output()); // start, 10%..90%, done
        assertEquals("downloading model.safetensors (1.0 MB)", lines[0]);
        assertEquals("model.safetensors: 100.0 kB / 1.0 MB  10%  1.0 MB/s", lines[1]);
        assertEquals("model.safetensors: done, 1.0 MB / 1.0 MB  100%  1.0 MB/s", lines[10]);
    }

    @Test
    void terminalModeRedrawsOneLine() {
        download(bar(true));
        String out = output();
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line, ended once");
        assertTrue(out.chars().filter(c -> c == '\r').count() <= 12, "redraws are throttled: " + out);
        assertTrue(out.contains("[##############################] 1.0 MB / 1.0 MB  100%  1.0 MB/s"), out);
    }

    @Test
    void resumedBytesCountTowardTotalNotRate() {
        TextProgressBar bar = bar(false);
        bar.start("config.json", 1000);
        bar.resumed(500);
        clock.addAndGet(1_000_000_000L);
        bar.advance(100);
        assertEquals("600 B / 1.0 kB  60%  100 B/s", bar.status());
        bar.done();
        assertTrue(output().contains("config.json: stopped at 600 B"), output());
    }

    @Test
    void unknownSizeShowsBytesOnly() {
        TextProgressBar bar = bar(false);
        bar.start("config.json", -1);
        clock.addAndGet(2_000_000_000L);
        bar.advance(4000);
        assertEquals("4.0 kB  2.0 kB/s", bar.status());
    }
}
