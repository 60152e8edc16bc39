package io.qvit.backend.cuda.emu.program;

import io.qvit.backend.cuda.emu.semantics.Rounding;

/**
 * One decoded instruction: an {@link Op}, register slots for its destinations and sources (immediates
 * and special registers live in slots too, so execution never looks at text), and the modifiers the
 * op needs. Fields are set once by the {@link Decoder}.
 */
public final class Instr {
    public int op;
    public int line;
    public String text;
    /** Guard predicate slot, or -1. */
    public int guard = -1;
    public boolean guardNegated;
    public int[] d = new int[0];
    public int[] s = new int[0];
    /** Bit i set: source i is a negated predicate ({@code !%p}). */
    public int negated;
    /** Operand width in bits, whether the type is signed, and a second (source) type for cvt and wide ops. */
    public int width;
    public boolean signed;
    public int width2;
    public boolean signed2;
    public String type;
    public String type2;
    public int space;
    public int vector = 1;
    /** Address offset for memory ops; an immediate selector for others. */
    public long offset;
    /** A sub-operation: comparison, atomic op, shuffle or vote mode, prmt mode. */
    public int sub;
    /** A second sub-operation: setp's boolean combiner. */
    public int sub2;
    public int target;
    public Rounding rounding;
    public boolean ftz;
    public boolean sat;
    public String name;
    public InstrClass profileClass;

    @Override
    public String toString() {
        return "line " + line + ": " + text;
    }
}
