package io.qvit.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fails a download whose body stops arriving. HttpClient's request timeout ends when the response
 * headers arrive; a body read on a silent connection would otherwise block forever. A timer closes
 * the stream after {@code limit} without data, which wakes the blocked read.
 */
final class StallGuard extends FilterInputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qvit-download-stall-guard");
        t.setDaemon(true);
        return t;
    });

    private final long limitNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastDataNanos = System.nanoTime();
    private volatile boolean stalled;

    StallGuard(InputStream in, Duration limit) {
        super(in);
        limitNanos = limit.toNanos();
        long period = Math.max(10, limit.toMillis() / 4);
        check = TIMER.scheduleAtFixedRate(this::closeIfStalled, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            throw stalled ? stallException() : e;
        }
        if (stalled) throw stallException();
        lastDataNanos = System.nanoTime();
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }

    private void closeIfStalled() {
        if (System.nanoTime() - lastDataNanos < limitNanos) return;
        stalled = true;
        check.cancel(false);
        try {
            in.close();
        } catch (IOException ignored) {
            // The read it wakes reports the stall; a failure to close adds nothing.
        }
    }

    private IOException stallException() {
        return new IOException("no data received for " + limitNanos / 1_000_000 + " ms");
    }
}
