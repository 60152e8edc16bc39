package io.qvit.backend.cuda.emu.program;

/** A named address: a variable or parameter in a state space ({@link Space}) and its address there. */
public record Symbol(int space, long address) {}
