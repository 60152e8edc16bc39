package io.qvit.backend.cuda.emu.memory;

/**
 * A sanitizer finding raised by a memory access (or a barrier, or a collective); the executor adds the
 * kernel, block, thread and PTX line. {@code tool} is the compute-sanitizer tool that would report it.
 */
public final class MemoryFault extends RuntimeException {
    public final String tool;
    public final long address;

    public MemoryFault(String tool, String message, long address) {
        super(message, null, false, false);
        this.tool = tool;
        this.address = address;
    }
}
