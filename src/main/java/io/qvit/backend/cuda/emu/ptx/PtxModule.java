package io.qvit.backend.cuda.emu.ptx;

import java.util.List;

/** A parsed PTX file: its name (for messages), target, module-level variables and functions. */
public record PtxModule(String file, String target, List<PtxVariable> variables, List<PtxFunction> functions) {}
