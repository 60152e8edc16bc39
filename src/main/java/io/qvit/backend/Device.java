package io.qvit.backend;

import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cuda.CudaBackend;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.jcuda.JCudaGpuDriver;
import io.qvit.backend.cuda.jcuda.JCudaProbe;
import java.util.Locale;

/**
 * Where a model runs, as a user asks for it. {@link #AUTO} takes the GPU when JCuda finds a CUDA
 * driver and a device, else the CPU with a one-line {@link #fallbackNotice}; {@link #CUDA} without a
 * GPU is a one-line error; {@link #EMU} is the CUDA backend on the PTX emulator (every kernel, executed
 * on the CPU with sanitizers: for checking kernels, never for speed), which AUTO never picks. The CLI's
 * {@code --device} and the API's session options both resolve through here, and this is the one place
 * outside the backends that knows which backends exist.
 */
public enum Device {
    /** The GPU if there is one, else the CPU. */
    AUTO,
    /** The CPU reference backend. */
    CPU,
    /** The first NVIDIA GPU, through JCuda. */
    CUDA,
    /** The CUDA backend's kernels on the PTX emulator. */
    EMU;

    /** {@code auto}, {@code cpu}, {@code cuda} (or {@code cuda:0}) or {@code emu}, case-insensitive. */
    public static Device parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("cuda:0")) return CUDA;
        if (key.matches("cuda:\\d+")) throw new QvitException("device '" + name + "': qvit drives one GPU, cuda:0; use cuda");
        for (Device d : values()) if (d.name().toLowerCase(Locale.ROOT).equals(key)) return d;
        throw new QvitException("unknown device '" + name + "'; use auto, cpu, cuda or emu");
    }

    /** The device a backend opened for this choice runs on: AUTO becomes CUDA or CPU; CUDA without a GPU fails. */
    public Device resolved() {
        return switch (this) {
            case AUTO -> JCudaProbe.unavailableReason() == null ? CUDA : CPU;
            case CUDA -> {
                String reason = JCudaProbe.unavailableReason();
                if (reason != null) throw new QvitException("device cuda: " + reason + "; use the CPU (cpu or auto) or the emulator (emu)");
                yield CUDA;
            }
            default -> this;
        };
    }

    /** One line saying that AUTO fell back to the CPU, or null when nothing fell back. */
    public String fallbackNotice() {
        if (this != AUTO) return null;
        String reason = JCudaProbe.unavailableReason();
        return reason == null ? null : reason + "; running on the CPU";
    }

    /** Opens the backend for this choice with {@code threads} CPU threads (the emulator's workers too); the caller closes it. */
    public Backend open(int threads) {
        return switch (resolved()) {
            case CUDA -> new CudaBackend(new JCudaGpuDriver(0));
            case EMU -> new CudaBackend(new EmuDriver(threads));
            default -> new CpuBackend(threads);
        };
    }
}
