package io.qvit.backend.cuda.emu.ptx;

/**
 * A variable in a state space ({@code global const shared local}): its alignment, element size and
 * count ({@code -1} for an unsized {@code .extern .shared} array, the dynamic shared memory), and
 * the bytes of its initializer ({@code null} for none).
 */
public record PtxVariable(String space, String name, int align, int elementSize, long count, byte[] init, boolean external, int line) {
    public long bytes() {
        return Math.max(count, 0) * elementSize;
    }
}
