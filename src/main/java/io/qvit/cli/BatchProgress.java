package io.qvit.cli;

/**
 * Progress of a long job over images, on stderr, with the throughput and the time left at that rate:
 * one line redrawn in place on a terminal, and a line every 10% otherwise, so that logs stay short.
 */
final class BatchProgress {
    private final String job;
    private final int total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private int done;
    private int lastDecile;

    BatchProgress(String job, int total) {
        this.job = job;
        this.total = total;
    }

    void advance(int images) {
        done += images;
        int decile = total == 0 ? 10 : done * 10 / total;
        if (terminal) System.err.print("\r" + line());
        else if (decile > lastDecile && done < total) System.err.println(line());
        lastDecile = decile;
    }

    void done() {
        if (terminal) System.err.println();
        else System.err.println(line());
    }

    private String line() {
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 && done < total ? ", " + duration((total - done) / rate) + " left" : "";
        return String.format("%s: %d/%d images (%d%%), %.1f images/s%s", job, done, total,
                total == 0 ? 100 : 100L * done / total, rate, left);
    }

    /** "42s", "7m 05s", "2h 03m". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm %02ds", s / 60, s % 60);
        return String.format("%dh %02dm", s / 3600, s % 3600 / 60);
    }
}
