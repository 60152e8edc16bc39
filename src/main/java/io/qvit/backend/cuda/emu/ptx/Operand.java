package io.qvit.backend.cuda.emu.ptx;

import java.util.List;

/**
 * One operand of a PTX instruction, as written: a name (register, special register, symbol or
 * label; {@code second} is the predicate of {@code %r|%p}), an immediate, an address
 * {@code [base+offset]} ({@code base} null for an absolute address), or a vector {@code {a, b}}.
 * {@code negated} is the {@code !} of a predicate source.
 */
public record Operand(Kind kind, String name, String second, String immediate, long offset, List<Operand> elements, boolean negated) {
    /** The operand forms. */
    public enum Kind { NAME, IMMEDIATE, ADDRESS, VECTOR }

    static Operand name(String name, String second, boolean negated) {
        return new Operand(Kind.NAME, name, second, null, 0, List.of(), negated);
    }

    static Operand immediate(String text) {
        return new Operand(Kind.IMMEDIATE, null, null, text, 0, List.of(), false);
    }

    static Operand address(String base, long offset) {
        return new Operand(Kind.ADDRESS, base, null, null, offset, List.of(), false);
    }

    static Operand vector(List<Operand> elements) {
        return new Operand(Kind.VECTOR, null, null, null, 0, List.copyOf(elements), false);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NAME -> (negated ? "!" : "") + name + (second == null ? "" : "|" + second);
            case IMMEDIATE -> immediate;
            case ADDRESS -> "[" + (name == null ? "" : name) + (offset == 0 && name != null ? "" : (offset >= 0 && name != null ? "+" : "") + offset) + "]";
            case VECTOR -> elements.toString().replace('[', '{').replace(']', '}');
        };
    }
}
