package io.qvit.backend;

/**
 * What a result file says about where it was measured.
 *
 * @param device   the device in words, for example {@code NVIDIA H100 80GB HBM3 (sm_90)} or {@code cpu, 2 threads}
 * @param driver   the CUDA driver's version, {@code emulator} or {@code cpu}
 * @param clocks   clock rates as the device reports them, or null where none are known
 */
public record DeviceFacts(String device, String driver, String clocks) {}
