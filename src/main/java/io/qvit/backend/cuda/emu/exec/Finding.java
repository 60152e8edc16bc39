package io.qvit.backend.cuda.emu.exec;

/**
 * One sanitizer finding: the tool that reports it (memcheck, initcheck, racecheck, synccheck), where
 * (kernel, block, thread, PTX file and line, the instruction) and what (the address, the message).
 */
public record Finding(String tool, String kernel, String block, String thread, String where, String instruction, long address, String message) {
    @Override
    public String toString() {
        return tool + ": " + message + "\n    kernel " + kernel + ", block " + block + ", thread " + thread + ", at " + where + ": " + instruction
                + (address != 0 ? ", address 0x" + Long.toHexString(address) : "");
    }
}
