package io.qvit.backend.cuda.emu.ptx;

import java.util.List;

/** One instruction as written: its guard predicate ({@code null} for none), dotted opcode, operands and PTX line. */
public record PtxInstruction(int line, String guard, boolean guardNegated, String opcode, List<Operand> operands) {
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (guard != null) b.append('@').append(guardNegated ? "!" : "").append(guard).append(' ');
        b.append(opcode);
        for (int i = 0; i < operands.size(); i++) b.append(i == 0 ? " " : ", ").append(operands.get(i));
        return b.append(';').toString();
    }
}
