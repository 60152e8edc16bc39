package io.qvit.data;

import io.qvit.QvitException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Decodes and transforms samples into float batches [n, 3, H, W] on a thread pool, one batch ahead
 * of the consumer, always in sample order. Batch k holds samples k*batchSize .. k*batchSize+batchSize-1
 * less any that could not be read: those are left out, recorded in {@link #failures()} and passed to
 * the listener (on the consuming thread, in order), never dropped silently. A batch whose every image
 * failed has no samples. Iterate once; close to stop the threads.
 */
public final class ImageBatches implements Iterable<ImageBatches.Batch>, AutoCloseable {
    /** One batch; {@code data} holds {@code samples.size()} CHW images back to back. */
    public record Batch(List<Sample> samples, float[] data, int height, int width) {}

    /** An image left out of its batch, and why. */
    public record Failure(Path file, String reason) {}

    private static final int BATCHES_AHEAD = 2;

    private final List<Sample> samples;
    private final EvalTransform transform;
    private final int batchSize;
    private final ExecutorService pool;
    private final Consumer<Failure> listener;
    private final List<Failure> failures = new ArrayList<>();
    private int processed;
    private boolean iterated;

    public ImageBatches(List<Sample> samples, EvalTransform transform, int batchSize, int threads) {
        this(samples, transform, batchSize, threads, f -> {});
    }

    /** @param listener told of each unreadable image as its batch is taken */
    public ImageBatches(List<Sample> samples, EvalTransform transform, int batchSize, int threads, Consumer<Failure> listener) {
        if (batchSize <= 0) throw new QvitException("batch size must be positive, got " + batchSize);
        if (threads <= 0) throw new QvitException("decode threads must be positive, got " + threads);
        this.samples = List.copyOf(samples);
        this.transform = transform;
        this.batchSize = batchSize;
        this.listener = listener;
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qvit-decode-" + n.incrementAndGet());
            t.setDaemon(true); // an abandoned, unclosed iteration must not keep the JVM alive
            return t;
        });
    }

    /** Unreadable images among the samples taken so far, in sample order. */
    public List<Failure> failures() {
        return Collections.unmodifiableList(failures);
    }

    /** Samples taken so far, readable or not. */
    public int processed() {
        return processed;
    }

    @Override
    public Iterator<Batch> iterator() {
        if (iterated) throw new IllegalStateException("ImageBatches can be iterated only once");
        iterated = true;
        return new Iterator<>() {
            private final ArrayDeque<Pending> ahead = new ArrayDeque<>();
            private int nextStart;

            {
                for (int k = 0; k < BATCHES_AHEAD; k++) submitNext();
            }

            @Override
            public boolean hasNext() {
                return !ahead.isEmpty();
            }

            @Override
            public Batch next() {
                if (ahead.isEmpty()) throw new NoSuchElementException();
                Pending p = ahead.poll();
                submitNext();
                return p.take();
            }

            private void submitNext() {
                if (nextStart >= samples.size()) return;
                int end = Math.min(samples.size(), nextStart + batchSize);
                ahead.add(new Pending(samples.subList(nextStart, end)));
                nextStart = end;
            }
        };
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** A batch being decoded: one task per sample, each writing its own slice of the batch's array. */
    private final class Pending {
        private final List<Sample> batch;
        private final float[] data;
        private final List<Future<String>> tasks = new ArrayList<>();

        Pending(List<Sample> batch) {
            this.batch = batch;
            int len = transform.outputLength();
            data = new float[batch.size() * len];
            for (int i = 0; i < batch.size(); i++) {
                Sample s = batch.get(i);
                int offset = i * len;
                tasks.add(pool.submit(() -> decodeInto(s, offset)));
            }
        }

        /** Null on success, else why the image could not be used. */
        private String decodeInto(Sample s, int offset) {
            try {
                transform.applyInto(ImageDecoder.decode(s.file()), data, offset);
                return null;
            } catch (QvitException e) { // unreadable; anything else is a bug and stops the run
                return e.getMessage();
            }
        }

        Batch take() {
            int len = transform.outputLength(), kept = 0;
            List<Sample> ok = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                String reason = await(tasks.get(i));
                processed++;
                if (reason != null) {
                    Failure f = new Failure(batch.get(i).file(), reason);
                    failures.add(f);
                    listener.accept(f);
                    continue;
                }
                if (kept != i) System.arraycopy(data, i * len, data, kept * len, len); // close the gap
                ok.add(batch.get(i));
                kept++;
            }
            float[] out = kept == batch.size() ? data : Arrays.copyOf(data, kept * len);
            Preprocessing pre = transform.preprocessing();
            return new Batch(List.copyOf(ok), out, pre.height(), pre.width());
        }

        private String await(Future<String> task) {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for images to decode", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding images failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
