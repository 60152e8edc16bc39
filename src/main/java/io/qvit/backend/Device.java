package io.qvit.backend;

import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import java.util.Locale;

/**
 * Where a model runs, as a user asks for it. This build has no CUDA backend: {@link #AUTO} falls
 * back to the CPU (with {@link #fallbackNotice}), and {@link #CUDA} fails with a QvitException that
 * says so. The CLI's {@code --device} and the API's session options both resolve through here.
 */
public enum Device {
    /** The best backend this build has: now always the CPU. */
    AUTO,
    /** The CPU reference backend. */
    CPU,
    /** An NVIDIA GPU; not in this build. */
    CUDA;

    /** What {@link #CUDA} fails with and {@link #AUTO} notes. */
    public static final String NO_CUDA = "this build has no CUDA backend";

    /** {@code auto}, {@code cpu} or {@code cuda} (also {@code cuda:N}), case-insensitive. */
    public static Device parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("cuda") || key.matches("cuda:\\d+")) return CUDA;
        for (Device d : values()) if (d.name().toLowerCase(Locale.ROOT).equals(key)) return d;
        throw new QvitException("unknown device '" + name + "'; use auto, cpu or cuda");
    }

    /** The device a backend opened for this choice runs on: {@link #CPU} for AUTO in this build. */
    public Device resolved() {
        if (this == CUDA) throw new QvitException(NO_CUDA + "; use the CPU (device cpu or auto)");
        return CPU;
    }

    /** One line saying that AUTO fell back to the CPU, or null when nothing fell back. */
    public String fallbackNotice() {
        return this == AUTO ? NO_CUDA + "; running on the CPU" : null;
    }

    /** Opens the backend for this choice with {@code threads} CPU threads; the caller closes it. */
    public Backend open(int threads) {
        resolved(); // CUDA fails here, before any thread pool starts
        return new CpuBackend(threads);
    }
}
