package io.qvit.hub;

import io.qvit.files.ByteSize;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Renders download progress as text. On a terminal: one line redrawn in place with '\r', at most
 * ten times a second. Otherwise (logs, CI) a line at the start, one per 10%, and one at the end, so
 * the log stays readable instead of filling with carriage returns.
 */
public final class TextProgressBar implements DownloadProgress {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoTime;

    private String file;
    private long total;
    private long position;
    private long resumedBytes;
    private long startNanos;
    private long lastDrawNanos;
    private int lastDecile;
    private int lastLineLength;

    TextProgressBar(PrintStream out, boolean interactive, LongSupplier nanoTime) {
        this.out = out;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
    }

    /** A bar on standard error, redrawn in place when it is a terminal. */
    public static TextProgressBar onStderr() {
        return new TextProgressBar(System.err, System.console() != null, System::nanoTime);
    }

    @Override
    public void start(String file, long totalBytes) {
        this.file = file;
        total = totalBytes;
        position = 0;
        resumedBytes = 0;
        startNanos = nanoTime.getAsLong();
        lastDrawNanos = startNanos;
        lastDecile = 0;
        lastLineLength = 0;
        if (interactive) {
            draw();
        } else {
            out.println("downloading " + file + " (" + (total >= 0 ? ByteSize.format(total) : "size unknown") + ")");
        }
    }

    @Override
    public void resumed(long bytesOnDisk) {
        resumedBytes = bytesOnDisk;
        position = bytesOnDisk;
        if (!interactive) out.println(file + ": resuming at " + ByteSize.format(bytesOnDisk));
        lastDecile = decile();
    }

    @Override
    public void advance(long bytes) {
        position += bytes;
        long now = nanoTime.getAsLong();
        if (interactive) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw();
            }
        } else if (decile() > lastDecile && decile() < 10) {
            lastDecile = decile();
            out.println(file + ": " + status());
        }
    }

    @Override
    public void done() {
        if (interactive) {
            draw();
            out.println();
        } else {
            boolean complete = total < 0 || position >= total;
            out.println(file + (complete ? ": done, " : ": stopped at ") + status());
        }
    }

    private void draw() {
        String bar = "";
        if (total > 0) {
            int filled = (int) (BAR_WIDTH * Math.min(position, total) / total);
            bar = "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] ";
        }
        String line = file + " " + bar + status();
        // Blank out the tail of a longer previous line (the rate can shrink).
        out.print("\r" + line + " ".repeat(Math.max(0, lastLineLength - line.length())));
        lastLineLength = line.length();
        out.flush();
    }

    /** "12.0 MB / 22.9 MB  52%  4.1 MB/s" (without the total and percent when the size is unknown). */
    String status() {
        double seconds = Math.max(1e-9, (nanoTime.getAsLong() - startNanos) / 1e9);
        String rate = ByteSize.format((long) ((position - resumedBytes) / seconds)) + "/s";
        String amount = total >= 0
                ? ByteSize.format(position) + " / " + ByteSize.format(total) + "  " + percent() + "%"
                : ByteSize.format(position);
        return amount + "  " + rate;
    }

    private int percent() {
        return total <= 0 ? 100 : (int) (100 * Math.min(position, total) / total);
    }

    private int decile() {
        return total <= 0 ? 0 : percent() / 10;
    }
}
