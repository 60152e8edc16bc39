package io.qvit.backend.cuda.emu.ptx;

import java.util.List;
import java.util.Map;

/**
 * A {@code .entry} (a kernel) or {@code .func}: parameters, the registers it declares (each with its
 * width in bits; 1 for predicates), its {@code .shared}/{@code .local} variables, its instructions
 * in order, and each label's index into them. {@code body} is false for a prototype.
 */
public record PtxFunction(String name, boolean entry, boolean body, List<PtxParam> params, List<PtxParam> returns,
                          Map<String, Integer> registers, List<PtxVariable> variables, List<PtxInstruction> instructions,
                          Map<String, Integer> labels, int line) {}
