package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.backend.Device;

/**
 * How a {@link Session} runs: the device ({@link Device#AUTO} by default: the GPU where JCuda finds
 * one, else the CPU; {@link Device#CUDA} without a GPU fails when the session opens; {@link Device#EMU}
 * runs the GPU kernels on the PTX emulator), the CPU threads
 * (default: all cores), images per forward pass and image-decoding threads for
 * {@link Session#run(java.util.List)}. Immutable; built with {@link #builder()}.
 */
public final class SessionOptions {
    /** Every default. */
    public static final SessionOptions DEFAULTS = builder().build();

    private final Device device;
    private final int threads, batchSize, decodeThreads;

    private SessionOptions(Builder b) {
        device = b.device;
        threads = b.threads;
        batchSize = b.batchSize;
        decodeThreads = b.decodeThreads;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The device asked for (the session says which one it got: {@link Session#device()}). */
    public Device device() {
        return device;
    }

    /** CPU threads of the backend. */
    public int threads() {
        return threads;
    }

    /** Images per forward pass when running image files. */
    public int batchSize() {
        return batchSize;
    }

    /** Threads decoding and resizing images ahead of the forward pass. */
    public int decodeThreads() {
        return decodeThreads;
    }

    /** Builds {@link SessionOptions}; each setter checks its value. Not thread-safe. */
    public static final class Builder {
        private Device device = Device.AUTO;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int batchSize = 32;
        private int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

        private Builder() {}

        /** Where to run; default {@link Device#AUTO}. */
        public Builder device(Device device) {
            if (device == null) throw new QvitException("device is null; use Device.AUTO, CPU or CUDA");
            this.device = device;
            return this;
        }

        /** CPU threads, at least 1; default all cores. */
        public Builder threads(int threads) {
            this.threads = atLeastOne("threads", threads);
            return this;
        }

        /** Images per forward pass, at least 1; default 32. */
        public Builder batchSize(int batchSize) {
            this.batchSize = atLeastOne("batch size", batchSize);
            return this;
        }

        /** Image-decoding threads, at least 1; default half the cores. */
        public Builder decodeThreads(int decodeThreads) {
            this.decodeThreads = atLeastOne("decode threads", decodeThreads);
            return this;
        }

        /** The options. */
        public SessionOptions build() {
            return new SessionOptions(this);
        }

        private static int atLeastOne(String what, int n) {
            if (n < 1) throw new QvitException(what + " must be at least 1, got " + n);
            return n;
        }
    }
}
