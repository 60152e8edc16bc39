package io.qvit.backend.cuda.emu.ptx;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.ptx.PtxLexer.Kind;
import io.qvit.backend.cuda.emu.ptx.PtxLexer.Token;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses PTX text (the subset nvcc writes: module directives, variables with initializers, entries and
 * functions with parameters, register declarations with {@code <N>} ranges, labels, guarded
 * instructions) into a {@link PtxModule}. Anything else is a {@link CudaException} naming the file and
 * line. Instructions are kept as written; the decoder decides which it can execute.
 */
public final class PtxParser {
    private final String file;
    private final List<Token> tokens;
    private int pos;
    private String target = "";

    private PtxParser(String file, String text) {
        this.file = file;
        this.tokens = PtxLexer.tokens(file, text);
    }

    public static PtxModule parse(String file, String text) {
        return new PtxParser(file, text).module();
    }

    private PtxModule module() {
        List<PtxVariable> variables = new ArrayList<>();
        List<PtxFunction> functions = new ArrayList<>();
        while (peek().kind() != Kind.END) {
            Token t = next();
            switch (t.text()) {
                case ".version", ".address_size" -> next();
                case ".target" -> {
                    target = next().text();
                    while (peek().is(",")) {
                        next();
                        next();
                    }
                }
                case ".file" -> {
                    next();
                    expectKind(Kind.STRING);
                    while (peek().is(",")) {
                        next();
                        next();
                    }
                }
                default -> {
                    boolean external = false;
                    Token d = t;
                    while (d.is(".visible") || d.is(".weak") || d.is(".extern") || d.is(".common")) {
                        external |= d.is(".extern");
                        d = next();
                    }
                    if (d.is(".entry") || d.is(".func")) functions.add(function(d));
                    else if (d.is(".global") || d.is(".const") || d.is(".shared")) variables.add(variable(d, external));
                    else throw error(d, "unknown directive or statement '" + d.text() + "' at module level");
                }
            }
        }
        return new PtxModule(file, target, variables, functions);
    }

    private PtxFunction function(Token kind) {
        boolean entry = kind.is(".entry");
        List<PtxParam> returns = new ArrayList<>();
        if (peek().is("(")) returns = params();
        Token name = expectKind(Kind.WORD);
        List<PtxParam> params = peek().is("(") ? params() : new ArrayList<>();
        // performance directives: .maxntid 256, 1, 1  .reqntid ...  .minnctapersm 2  .noreturn ...
        while (peek().kind() == Kind.WORD && peek().text().startsWith(".")) {
            next();
            while (peek().kind() == Kind.WORD && !peek().text().startsWith(".") || peek().is(",")) next();
        }
        if (peek().is(";")) {
            next();
            return new PtxFunction(name.text(), entry, false, params, returns, Map.of(), List.of(), List.of(), Map.of(), name.line());
        }
        expect("{");
        Map<String, Integer> registers = new LinkedHashMap<>();
        List<PtxVariable> variables = new ArrayList<>();
        List<PtxInstruction> instructions = new ArrayList<>();
        Map<String, Integer> labels = new LinkedHashMap<>();
        int depth = 1;
        while (depth > 0) {
            Token t = next();
            if (t.kind() == Kind.END) throw error(t, "missing '}' closing " + name.text());
            if (t.is("{")) {
                depth++;
            } else if (t.is("}")) {
                depth--;
            } else if (t.is(".reg")) {
                int width = width(next());
                do {
                    Token r = expectKind(Kind.WORD);
                    if (peek().is("<")) {
                        next();
                        int count = (int) integer(expectKind(Kind.WORD));
                        expect(">");
                        for (int i = 0; i < count; i++) registers.put(r.text() + i, width);
                    } else {
                        registers.put(r.text(), width);
                    }
                } while (optional(","));
                expect(";");
            } else if (t.is(".shared") || t.is(".local") || t.is(".global") || t.is(".const")) {
                variables.add(variable(t, false));
            } else if (t.is(".pragma")) {
                while (!next().is(";")) { /* the pragma's strings */ }
            } else if (t.is(".loc")) {
                while (peek().kind() == Kind.WORD && !peek().text().startsWith(".") && peek().line() == t.line() || peek().is(",")) next();
            } else if (t.kind() == Kind.WORD && peek().is(":") && !t.text().startsWith("@")) {
                next();
                labels.put(t.text(), instructions.size());
            } else {
                instructions.add(instruction(t));
            }
        }
        return new PtxFunction(name.text(), entry, true, params, returns, registers, variables, instructions, labels, name.line());
    }

    private List<PtxParam> params() {
        expect("(");
        List<PtxParam> out = new ArrayList<>();
        if (optional(")")) return out;
        do {
            Token p = expectKind(Kind.WORD);
            if (!p.is(".param") && !p.is(".reg")) throw error(p, "expected .param, found '" + p.text() + "'");
            int align = 0, size = 0;
            Token t = next();
            while (t.kind() == Kind.WORD && t.text().startsWith(".")) {
                if (t.is(".align")) align = (int) integer(next());
                else if (t.is(".ptr") || t.is(".global") || t.is(".shared") || t.is(".const") || t.is(".local")) { /* pointer attributes */ }
                else size = width(t) / 8;
                t = next();
            }
            long count = 1;
            if (peek().is("[")) {
                next();
                count = integer(expectKind(Kind.WORD));
                expect("]");
            }
            if (size == 0) throw error(t, "parameter " + t.text() + " has no type");
            out.add(new PtxParam(t.text(), (int) (size * count), align == 0 ? size : align, t.line()));
        } while (optional(","));
        expect(")");
        return out;
    }

    private PtxVariable variable(Token space, boolean external) {
        int align = 0, size = 0;
        Token t = next();
        while (t.kind() == Kind.WORD && t.text().startsWith(".")) {
            if (t.is(".align")) align = (int) integer(next());
            else if (t.is(".extern")) external = true;
            else if (!t.is(".v2") && !t.is(".v4")) size = width(t) / 8;
            else throw error(t, "vector-typed variables are not supported");
            t = next();
        }
        if (size == 0) throw error(t, "variable " + t.text() + " has no type");
        long count = 1;
        if (peek().is("[")) {
            next();
            if (optional("]")) {
                count = -1;
            } else {
                count = integer(expectKind(Kind.WORD));
                expect("]");
            }
        }
        byte[] init = null;
        if (optional("=")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            boolean braces = optional("{");
            do {
                boolean minus = optional("-");
                Token v = expectKind(Kind.WORD);
                long value = minus ? -literal(v) : literal(v);
                for (int i = 0; i < size; i++) b.write((int) (value >>> (8 * i)));
            } while (optional(","));
            if (braces) expect("}");
            init = b.toByteArray();
            if (count < 0) count = init.length / size;
            if (init.length < count * size) init = java.util.Arrays.copyOf(init, (int) (count * size));
        }
        expect(";");
        return new PtxVariable(space.text().substring(1), t.text(), align == 0 ? size : align, size, count, init, external, t.line());
    }

    private PtxInstruction instruction(Token first) {
        String guard = null;
        boolean negated = false;
        Token op = first;
        if (first.is("@")) {
            negated = optional("!");
            guard = expectKind(Kind.WORD).text();
            op = expectKind(Kind.WORD);
        }
        if (op.kind() != Kind.WORD) throw error(op, "expected an instruction, found '" + op.text() + "'");
        List<Operand> operands = new ArrayList<>();
        if (!peek().is(";")) {
            do operands.add(operand()); while (optional(","));
        }
        expect(";");
        return new PtxInstruction(op.line(), guard, negated, op.text(), operands);
    }

    private Operand operand() {
        if (optional("[")) {
            String base = null;
            long offset = 0;
            if (peek().is("-") || Character.isDigit(peek().text().charAt(0))) {
                offset = signedInteger();
            } else {
                base = expectKind(Kind.WORD).text();
                if (optional("+")) offset = signedInteger();
                else if (optional("-")) offset = -integer(expectKind(Kind.WORD));
            }
            expect("]");
            return Operand.address(base, offset);
        }
        if (optional("{")) {
            List<Operand> elements = new ArrayList<>();
            do elements.add(operand()); while (optional(","));
            expect("}");
            return Operand.vector(elements);
        }
        if (optional("-")) return Operand.immediate("-" + expectKind(Kind.WORD).text());
        boolean negated = optional("!");
        Token t = expectKind(Kind.WORD);
        if (!negated && Character.isDigit(t.text().charAt(0))) return Operand.immediate(t.text());
        String second = optional("|") ? expectKind(Kind.WORD).text() : null;
        return Operand.name(t.text(), second, negated);
    }

    private long signedInteger() {
        boolean minus = optional("-");
        long v = integer(expectKind(Kind.WORD));
        return minus ? -v : v;
    }

    /** Bits of a type directive ({@code .b32} 32, {@code .pred} 1). */
    private int width(Token t) {
        return switch (t.text()) {
            case ".pred" -> 1;
            case ".b8", ".u8", ".s8" -> 8;
            case ".b16", ".u16", ".s16", ".f16", ".bf16" -> 16;
            case ".b32", ".u32", ".s32", ".f32", ".f16x2", ".bf16x2" -> 32;
            case ".b64", ".u64", ".s64", ".f64" -> 64;
            case ".b128" -> 128;
            default -> throw error(t, "unknown type '" + t.text() + "'");
        };
    }

    private long integer(Token t) {
        try {
            String s = t.text();
            if (s.endsWith("U") || s.endsWith("u")) s = s.substring(0, s.length() - 1);
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(t, "expected a whole number, found '" + t.text() + "'");
        }
    }

    /** An initializer value: an integer, or the bits of a {@code 0f}/{@code 0d} float. */
    private long literal(Token t) {
        String s = t.text();
        if (s.length() > 2 && (s.startsWith("0f") || s.startsWith("0d") || s.startsWith("0F") || s.startsWith("0D")))
            return Long.parseUnsignedLong(s.substring(2), 16);
        return integer(t);
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.END) pos++;
        return t;
    }

    private boolean optional(String s) {
        if (!peek().is(s)) return false;
        pos++;
        return true;
    }

    private void expect(String s) {
        Token t = next();
        if (!t.is(s)) throw error(t, "expected '" + s + "', found '" + t.text() + "'");
    }

    private Token expectKind(Kind kind) {
        Token t = next();
        if (t.kind() != kind) throw error(t, "expected a " + kind.name().toLowerCase() + ", found '" + t.text() + "'");
        return t;
    }

    private CudaException error(Token t, String message) {
        return new CudaException(file + ":" + t.line() + ": " + message);
    }
}
