package io.qvit.backend.cuda.emu.ptx;

/** A {@code .param} of an entry or function: its name, size in bytes and alignment. */
public record PtxParam(String name, int size, int align, int line) {}
