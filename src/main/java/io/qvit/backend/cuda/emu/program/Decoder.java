package io.qvit.backend.cuda.emu.program;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.ptx.Operand;
import io.qvit.backend.cuda.emu.ptx.PtxFunction;
import io.qvit.backend.cuda.emu.ptx.PtxInstruction;
import io.qvit.backend.cuda.emu.ptx.PtxModule;
import io.qvit.backend.cuda.emu.ptx.PtxParam;
import io.qvit.backend.cuda.emu.ptx.PtxVariable;
import io.qvit.backend.cuda.emu.semantics.Rounding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed {@code .entry} into a {@link Program}: every register, immediate, special register and
 * symbol becomes a slot, every label an instruction index, every opcode an {@link Op} with its
 * modifiers. An instruction or form it does not implement is a {@link CudaException} naming the file
 * and line.
 */
public final class Decoder {
    private static final Set<String> IGNORED_MODIFIERS = Set.of("weak", "volatile", "relaxed", "acquire", "release", "acq_rel",
            "gpu", "cta", "sys", "cluster", "nc", "ca", "cg", "cs", "lu", "cv", "wb", "wt", "uni", "aligned", "sync",
            "L1::evict_normal", "L1::evict_unchanged", "L1::evict_first", "L1::evict_last", "L1::no_allocate",
            "L2::64B", "L2::128B", "L2::256B", "shared::cta", "sem", "mmio");
    private static final List<String> COMPARISONS = List.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs",
            "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan");

    private final PtxModule module;
    private final PtxFunction fn;
    private final Map<String, Symbol> symbols = new HashMap<>();
    private final Map<String, Integer> registers = new HashMap<>();
    private final Map<Long, Integer> constants = new HashMap<>();
    private final Map<Special, Integer> specials = new LinkedHashMap<>();
    private final List<Long> template = new ArrayList<>();
    private int sink = -1;

    private Decoder(PtxModule module, PtxFunction fn, Map<String, Symbol> moduleSymbols) {
        this.module = module;
        this.fn = fn;
        symbols.putAll(moduleSymbols);
    }

    /**
     * Decodes one entry; {@code moduleSymbols} are the module's global and const variables;
     * {@code moduleShared} its module-level shared variables (laid out first, then the entry's own).
     */
    public static Program decode(PtxModule module, PtxFunction fn, Map<String, Symbol> moduleSymbols, List<PtxVariable> moduleShared) {
        return new Decoder(module, fn, moduleSymbols).program(moduleShared);
    }

    private Program program(List<PtxVariable> moduleShared) {
        for (var e : fn.registers().entrySet()) slotOf(e.getKey());
        // parameters
        int[] paramOffsets = new int[fn.params().size()];
        int paramBytes = 0;
        for (int i = 0; i < paramOffsets.length; i++) {
            PtxParam p = fn.params().get(i);
            paramBytes = align(paramBytes, p.align());
            paramOffsets[i] = paramBytes;
            symbols.put(p.name(), new Symbol(Space.PARAM, paramBytes));
            paramBytes += p.size();
        }
        // shared: static variables, then the dynamic (extern) ones all at one aligned base
        List<PtxVariable> shared = new ArrayList<>(moduleShared);
        long local = 0;
        for (PtxVariable v : fn.variables()) {
            if (v.space().equals("shared")) {
                shared.add(v);
            } else if (v.space().equals("local")) {
                local = align(local, v.align());
                symbols.put(v.name(), new Symbol(Space.LOCAL, local));
                local += v.bytes();
            } else {
                throw new CudaException(module.file() + ":" + v.line() + ": ." + v.space() + " variables inside a function are not supported");
            }
        }
        long staticShared = 0;
        int dynamicAlign = 16;
        for (PtxVariable v : shared) {
            if (v.external() || v.count() < 0) {
                dynamicAlign = Math.max(dynamicAlign, v.align());
                continue;
            }
            staticShared = align(staticShared, v.align());
            symbols.put(v.name(), new Symbol(Space.SHARED, staticShared));
            staticShared += v.bytes();
        }
        long dynamicBase = align(staticShared, dynamicAlign);
        for (PtxVariable v : shared)
            if (v.external() || v.count() < 0) symbols.put(v.name(), new Symbol(Space.SHARED, dynamicBase));

        List<PtxInstruction> source = fn.instructions();
        Instr[] code = new Instr[source.size() + 1];
        for (int i = 0; i < source.size(); i++) code[i] = instr(source.get(i));
        // falling off the end of an entry is an exit
        Instr end = new Instr();
        end.op = Op.EXIT;
        end.line = source.isEmpty() ? fn.line() : source.get(source.size() - 1).line();
        end.text = "(end of " + fn.name() + ")";
        end.profileClass = InstrClass.CONTROL;
        code[source.size()] = end;

        long[] tmpl = new long[template.size()];
        for (int i = 0; i < tmpl.length; i++) tmpl[i] = template.get(i);
        int[] specialSlots = specials.values().stream().mapToInt(Integer::intValue).toArray();
        Special[] kinds = specials.keySet().toArray(new Special[0]);
        return new Program(module.file(), fn.name(), code, tmpl, specialSlots, kinds, fn.params(), paramOffsets, paramBytes,
                staticShared, dynamicBase, local);
    }

    private static long align(long v, int a) {
        return a <= 1 ? v : (v + a - 1) / a * a;
    }

    private static int align(int v, int a) {
        return (int) align((long) v, a);
    }

    // ---- one instruction

    private Instr instr(PtxInstruction p) {
        Instr in = new Instr();
        in.line = p.line();
        in.text = p.toString();
        if (p.guard() != null) {
            in.guard = register(p, p.guard());
            in.guardNegated = p.guardNegated();
        }
        String[] parts = p.opcode().split("\\.");
        List<String> mods = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i];
            if (isType(m)) types.add(m);
            else mods.add(m);
        }
        String base = parts[0];
        List<Operand> ops = p.operands();
        switch (base) {
            case "mov" -> mov(in, p, types, ops);
            case "add", "sub", "mul", "mad", "fma", "div", "rem", "min", "max", "abs", "neg", "sqrt", "rcp", "rsqrt", "ex2",
                    "lg2", "sin", "cos", "tanh", "mul24", "mad24" -> arithmetic(in, p, base, mods, types, ops);
            case "and", "or", "xor", "not", "cnot", "shl", "shr", "popc", "clz", "brev", "bfind", "bfe", "bfi", "prmt", "lop3" ->
                    bits(in, p, base, mods, types, ops);
            case "selp", "slct" -> select(in, p, base, types, ops);
            case "dp4a", "dp2a" -> dot(in, p, base, mods, types, ops);
            case "copysign" -> {
                need(p, types.size() == 1 && (types.get(0).equals("f32") || types.get(0).equals("f64")) && ops.size() == 3, "copysign form");
                typed(in, types.get(0));
                in.op = Op.COPYSIGN;
                in.d = new int[] {dst(p, ops.get(0))};
                in.s = new int[] {src(p, ops.get(1), in.type), src(p, ops.get(2), in.type)};
                in.profileClass = in.width == 32 ? InstrClass.FP32 : InstrClass.FP64;
            }
            case "setp" -> setp(in, p, mods, types, ops);
            case "cvt" -> cvt(in, p, mods, types, ops);
            case "cvta" -> cvta(in, p, mods, types, ops);
            case "ld", "ldu", "st" -> loadStore(in, p, base, mods, types, ops);
            case "atom", "red" -> atom(in, p, base, mods, types, ops);
            case "cp" -> cpAsync(in, p, mods, ops);
            case "bra" -> {
                in.op = Op.BRA;
                Integer t = ops.size() == 1 && ops.get(0).kind() == Operand.Kind.NAME ? fn.labels().get(ops.get(0).name()) : null;
                if (t == null) throw error(p, "branch target " + (ops.isEmpty() ? "missing" : ops.get(0) + " is not a label of " + fn.name()));
                in.target = t;
                in.profileClass = InstrClass.CONTROL;
            }
            case "ret", "exit" -> {
                if (!fn.entry()) throw error(p, "ret in a .func: calls are not supported");
                in.op = Op.EXIT;
                in.profileClass = InstrClass.CONTROL;
            }
            case "bar", "barrier" -> barrier(in, p, mods, types, ops);
            case "membar", "fence", "prefetch", "prefetchu", "nanosleep", "griddepcontrol" -> {
                in.op = Op.NOP;
                in.profileClass = InstrClass.OTHER;
            }
            case "vote" -> {
                need(p, mods.contains("sync"), "vote without .sync (sm_70+ needs vote.sync)");
                in.op = Op.VOTE;
                in.sub = List.of("all", "any", "uni", "ballot").indexOf(mods.get(mods.size() - 1));
                need(p, in.sub >= 0 && ops.size() == 3, "vote.sync mode or operands");
                in.d = new int[] {dst(p, ops.get(0))};
                in.s = new int[] {src(p, ops.get(1), "pred"), src(p, ops.get(2), "b32")};
                if (ops.get(1).negated()) in.negated = 1;
                in.profileClass = InstrClass.WARP_COLLECTIVE;
            }
            case "shfl" -> {
                need(p, mods.contains("sync"), "shfl without .sync (sm_70+ needs shfl.sync)");
                in.op = Op.SHFL;
                in.sub = List.of("up", "down", "bfly", "idx").indexOf(mods.get(mods.size() - 1));
                need(p, in.sub >= 0 && ops.size() == 5 && types.equals(List.of("b32")), "shfl.sync mode, type or operands");
                Operand d = ops.get(0);
                in.d = d.second() == null ? new int[] {dst(p, d)} : new int[] {dst(p, d), register(p, d.second())};
                in.s = new int[] {src(p, ops.get(1), "b32"), src(p, ops.get(2), "b32"), src(p, ops.get(3), "b32"), src(p, ops.get(4), "b32")};
                in.profileClass = InstrClass.WARP_COLLECTIVE;
            }
            case "redux" -> {
                in.op = Op.REDUX;
                in.sub = List.of("add", "min", "max", "and", "or", "xor").indexOf(mods.get(mods.size() - 1));
                need(p, in.sub >= 0 && ops.size() == 3 && types.size() == 1, "redux.sync operation or operands");
                typed(in, types.get(0));
                need(p, in.width == 32, "redux.sync on " + types.get(0));
                in.d = new int[] {dst(p, ops.get(0))};
                in.s = new int[] {src(p, ops.get(1), types.get(0)), src(p, ops.get(2), "b32")};
                in.profileClass = InstrClass.WARP_COLLECTIVE;
            }
            case "match" -> {
                in.op = Op.MATCH;
                in.sub = mods.contains("all") ? 1 : 0;
                need(p, (mods.contains("any") || mods.contains("all")) && ops.size() == 3 && types.size() == 1, "match.sync mode or operands");
                typed(in, types.get(0));
                Operand d = ops.get(0);
                in.d = d.second() == null ? new int[] {dst(p, d)} : new int[] {dst(p, d), register(p, d.second())};
                in.s = new int[] {src(p, ops.get(1), types.get(0)), src(p, ops.get(2), "b32")};
                in.profileClass = InstrClass.WARP_COLLECTIVE;
            }
            case "activemask" -> {
                in.op = Op.ACTIVEMASK;
                in.d = new int[] {dst(p, ops.get(0))};
                in.profileClass = InstrClass.WARP_COLLECTIVE;
            }
            case "ldmatrix" -> {
                in.op = Op.LDMATRIX;
                in.sub = mods.contains("x4") ? 4 : mods.contains("x2") ? 2 : mods.contains("x1") ? 1 : 0;
                in.sat = mods.contains("trans");
                need(p, in.sub > 0 && mods.contains("m8n8") && types.equals(List.of("b16")) && ops.size() == 2, "ldmatrix shape, count or type");
                in.d = dsts(p, ops.get(0));
                need(p, in.d.length == in.sub, "ldmatrix .x" + in.sub + " needs " + in.sub + " destination registers");
                address(in, p, ops.get(1));
                in.space = mods.contains("shared") || mods.contains("shared::cta") ? Space.SHARED : Space.GENERIC;
                need(p, in.space == Space.SHARED, "ldmatrix without .shared");
                in.profileClass = InstrClass.MEMORY_SHARED;
            }
            case "mma" -> mma(in, p, mods, types, ops);
            case "call" -> throw error(p, "call is not supported (nvcc inlined every function in the project's kernels; mark the callee __forceinline__)");
            default -> throw error(p, "instruction '" + p.opcode() + "' is not supported by the emulator");
        }
        return in;
    }

    private void mov(Instr in, PtxInstruction p, List<String> types, List<Operand> ops) {
        need(p, ops.size() == 2 && types.size() == 1, "mov operands");
        String type = types.get(0);
        typed(in, type);
        in.profileClass = InstrClass.INTEGER;
        Operand d = ops.get(0), a = ops.get(1);
        if (d.kind() == Operand.Kind.VECTOR) {
            in.op = Op.UNPACK;
            in.d = dsts(p, d);
            in.s = new int[] {src(p, a, type)};
            in.width2 = in.width / in.d.length;
            return;
        }
        in.d = new int[] {dst(p, d)};
        if (a.kind() == Operand.Kind.VECTOR) {
            in.op = Op.PACK;
            in.s = new int[a.elements().size()];
            for (int i = 0; i < in.s.length; i++) in.s[i] = src(p, a.elements().get(i), "b" + in.width / in.s.length);
            in.width2 = in.width / in.s.length;
            return;
        }
        if (a.kind() == Operand.Kind.NAME && Special.CLOCKS.contains(a.name())) {
            in.op = Op.CLOCK;
            return;
        }
        in.op = Op.MOV;
        in.s = new int[] {src(p, a, type)};
    }

    private void arithmetic(Instr in, PtxInstruction p, String base, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, types.size() == 1, "type of " + base);
        String type = types.get(0);
        typed(in, type);
        boolean fl = type.startsWith("f");
        in.d = new int[] {dst(p, ops.get(0))};
        in.s = new int[ops.size() - 1];
        for (int i = 1; i < ops.size(); i++) in.s[i - 1] = src(p, ops.get(i), type);
        if (fl) {
            floatArithmetic(in, p, base, mods, type);
            return;
        }
        in.profileClass = InstrClass.INTEGER;
        need(p, !mods.contains("cc") && !base.equals("fma") && !base.equals("sqrt") && !base.equals("rcp") && !base.equals("rsqrt")
                && !base.equals("ex2") && !base.equals("lg2") && !base.equals("sin") && !base.equals("cos") && !base.equals("tanh"),
                base + " on " + type + (mods.contains("cc") ? " with carry (.cc)" : ""));
        boolean lo = mods.contains("lo"), hi = mods.contains("hi"), wide = mods.contains("wide");
        in.op = switch (base) {
            case "add" -> mods.contains("sat") ? Op.ADD_SAT : Op.ADD;
            case "sub" -> Op.SUB;
            case "mul" -> hi ? Op.MUL_HI : wide ? Op.MUL_WIDE : lo ? Op.MUL_LO : -1;
            case "mad" -> hi ? Op.MAD_HI : wide ? Op.MAD_WIDE : lo ? Op.MAD_LO : -1;
            case "mul24" -> lo ? Op.MUL24_LO : -1;
            case "mad24" -> lo ? Op.MAD24_LO : -1;
            case "div" -> Op.DIV;
            case "rem" -> Op.REM;
            case "min" -> Op.MIN;
            case "max" -> Op.MAX;
            case "abs" -> Op.ABS;
            case "neg" -> Op.NEG;
            default -> -1;
        };
        need(p, in.op > 0 && (in.op != Op.ADD_SAT || type.equals("s32")) && !mods.contains("relu") && in.s.length == arity(in.op),
                base + " form " + String.join(".", mods) + " on " + type);
    }

    private static int arity(int op) {
        return switch (op) {
            case Op.ABS, Op.NEG -> 1;
            case Op.MAD_LO, Op.MAD_HI, Op.MAD_WIDE, Op.MAD24_LO -> 3;
            default -> 2;
        };
    }

    private void floatArithmetic(Instr in, PtxInstruction p, String base, List<String> mods, String type) {
        need(p, type.equals("f32") || type.equals("f64"), base + " on " + type + " (only f32 and f64 are supported)");
        in.profileClass = type.equals("f32") ? InstrClass.FP32 : InstrClass.FP64;
        in.rounding = rounding(mods);
        in.ftz = mods.contains("ftz");
        in.sat = mods.contains("sat");
        boolean approx = mods.contains("approx");
        in.op = switch (base) {
            case "add" -> Op.FADD;
            case "sub" -> Op.FSUB;
            case "mul" -> Op.FMUL;
            case "fma", "mad" -> Op.FFMA;
            case "div" -> approx ? Op.FDIV_APPROX : mods.contains("full") ? Op.FDIV_FULL : Op.FDIV;
            case "sqrt", "rcp" -> approx ? Op.FAPPROX : base.equals("sqrt") ? Op.FSQRT : Op.FRCP;
            case "rsqrt", "ex2", "lg2", "sin", "cos", "tanh" -> approx ? Op.FAPPROX : -1;
            case "min" -> Op.FMIN;
            case "max" -> Op.FMAX;
            case "abs" -> Op.FABS;
            case "neg" -> Op.FNEG;
            default -> -1;
        };
        in.name = base;
        need(p, in.op > 0 && !mods.contains("NaN") && !mods.contains("xorsign") && !mods.contains("relu")
                && !(in.op == Op.FAPPROX && type.equals("f64")) && !(in.op == Op.FFMA && in.rounding == null),
                base + "." + String.join(".", mods) + "." + type);
        if (in.rounding == null) in.rounding = Rounding.RN;
        in.profileClass = in.op == Op.FAPPROX || in.op == Op.FDIV_APPROX ? InstrClass.FP32 : in.profileClass;
    }

    private static Rounding rounding(List<String> mods) {
        for (String m : mods)
            switch (m) {
                case "rn": return Rounding.RN;
                case "rz": return Rounding.RZ;
                case "rm": return Rounding.RM;
                case "rp": return Rounding.RP;
                case "rni": return Rounding.RNI;
                case "rzi": return Rounding.RZI;
                case "rmi": return Rounding.RMI;
                case "rpi": return Rounding.RPI;
                default: break;
            }
        return null;
    }

    private void bits(Instr in, PtxInstruction p, String base, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, types.size() == 1, "type of " + base);
        String type = types.get(0);
        typed(in, type);
        in.profileClass = InstrClass.INTEGER;
        in.d = new int[] {dst(p, ops.get(0))};
        in.s = new int[ops.size() - 1];
        for (int i = 1; i < ops.size(); i++) {
            // shift counts and bfe/bfi positions are .u32 whatever the operation's type
            boolean u32 = (base.equals("shl") || base.equals("shr")) && i == 2 || base.equals("bfe") && i >= 2 || base.equals("bfi") && i >= 3;
            in.s[i - 1] = src(p, ops.get(i), u32 ? "u32" : type);
            if (ops.get(i).negated()) in.negated |= 1 << (i - 1);
        }
        in.op = switch (base) {
            case "and" -> Op.AND;
            case "or" -> Op.OR;
            case "xor" -> Op.XOR;
            case "not" -> Op.NOT;
            case "cnot" -> Op.CNOT;
            case "shl" -> Op.SHL;
            case "shr" -> Op.SHR;
            case "popc" -> Op.POPC;
            case "clz" -> Op.CLZ;
            case "brev" -> Op.BREV;
            case "bfind" -> Op.BFIND;
            case "bfe" -> Op.BFE;
            case "bfi" -> Op.BFI;
            case "prmt" -> Op.PRMT;
            default -> Op.LOP3;
        };
        if (in.op == Op.BFIND) in.sat = mods.contains("shiftamt");
        if (in.op == Op.PRMT) {
            in.sub = mods.isEmpty() ? 0 : List.of("", "f4e", "b4e", "rc8", "ecl", "ecr", "rc16").indexOf(mods.get(0));
            need(p, in.sub >= 0 && mods.size() <= 1 && in.s.length == 3, "prmt mode " + mods);
        }
        if (in.op == Op.LOP3) {
            need(p, in.s.length == 4 && ops.get(4).kind() == Operand.Kind.IMMEDIATE && mods.isEmpty(), "lop3 operands");
            in.offset = immediate(p, ops.get(4).immediate(), "b32");
        }
        int expected = switch (in.op) {
            case Op.NOT, Op.CNOT, Op.POPC, Op.CLZ, Op.BREV, Op.BFIND -> 1;
            case Op.BFE, Op.PRMT -> 3;
            case Op.BFI, Op.LOP3 -> 4;
            default -> 2;
        };
        need(p, in.s.length == expected && (in.op == Op.BFIND || in.op == Op.PRMT || mods.isEmpty()), base + " form or operands");
    }

    private void select(Instr in, PtxInstruction p, String base, List<String> types, List<Operand> ops) {
        need(p, ops.size() == 4, base + " operands");
        String type = types.get(0);
        typed(in, type);
        in.d = new int[] {dst(p, ops.get(0))};
        in.profileClass = InstrClass.INTEGER;
        if (base.equals("selp")) {
            in.op = Op.SELP;
            in.s = new int[] {src(p, ops.get(1), type), src(p, ops.get(2), type), src(p, ops.get(3), "pred")};
            if (ops.get(3).negated()) in.negated = 4;
        } else {
            need(p, types.size() == 2 && (types.get(1).equals("s32") || types.get(1).equals("f32")), "slct type");
            in.op = Op.SLCT;
            in.sat = types.get(1).equals("f32");
            in.s = new int[] {src(p, ops.get(1), type), src(p, ops.get(2), type), src(p, ops.get(3), types.get(1))};
        }
    }

    /** dp4a/dp2a: four (two) byte products summed into a 32-bit accumulator; the types give each operand's signedness. */
    private void dot(Instr in, PtxInstruction p, String base, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, types.size() == 2 && ops.size() == 4 && types.stream().allMatch(t -> t.equals("s32") || t.equals("u32")), base + " types or operands");
        in.op = base.equals("dp4a") ? Op.DP4A : Op.DP2A;
        need(p, in.op == Op.DP4A ? mods.isEmpty() : mods.size() == 1 && (mods.contains("lo") || mods.contains("hi")), base + " mode");
        in.sat = mods.contains("hi");
        in.width = 32;
        in.signed = types.get(0).equals("s32");
        in.signed2 = types.get(1).equals("s32");
        in.d = new int[] {dst(p, ops.get(0))};
        in.s = new int[] {src(p, ops.get(1), "b32"), src(p, ops.get(2), "b32"), src(p, ops.get(3), "b32")};
        in.profileClass = InstrClass.INTEGER;
    }

    private void setp(Instr in, PtxInstruction p, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, types.size() == 1 && (ops.size() == 3 || ops.size() == 4), "setp form");
        String type = types.get(0);
        typed(in, type);
        in.sub = COMPARISONS.indexOf(mods.get(0));
        need(p, in.sub >= 0, "setp comparison " + mods.get(0));
        in.sub2 = mods.size() > 1 ? List.of("and", "or", "xor").indexOf(mods.get(1)) : -1;
        need(p, (in.sub2 >= 0) == (ops.size() == 4) && mods.size() <= 2 + (mods.contains("ftz") ? 1 : 0), "setp boolean operation");
        boolean fl = type.startsWith("f");
        need(p, !fl || type.equals("f32") || type.equals("f64"), "setp on " + type);
        need(p, fl || in.sub < 10, "setp." + mods.get(0) + " on an integer type");
        in.op = fl ? Op.FSETP : Op.SETP;
        in.ftz = mods.contains("ftz");
        in.name = mods.get(0);
        in.profileClass = fl ? (type.equals("f32") ? InstrClass.FP32 : InstrClass.FP64) : InstrClass.INTEGER;
        Operand d = ops.get(0);
        in.d = d.second() == null ? new int[] {dst(p, d)} : new int[] {dst(p, d), register(p, d.second())};
        in.s = ops.size() == 3 ? new int[] {src(p, ops.get(1), type), src(p, ops.get(2), type)}
                : new int[] {src(p, ops.get(1), type), src(p, ops.get(2), type), src(p, ops.get(3), "pred")};
        if (ops.size() == 4 && ops.get(3).negated()) in.negated = 4;
    }

    private void cvt(Instr in, PtxInstruction p, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, types.size() == 2 && ops.size() >= 2, "cvt types");
        String dt = types.get(0), st = types.get(1);
        typed(in, dt);
        in.type2 = st;
        in.width2 = typeWidth(st);
        in.signed2 = st.startsWith("s");
        in.rounding = rounding(mods);
        in.ftz = mods.contains("ftz");
        in.sat = mods.contains("satfinite") || mods.contains("sat");
        in.d = new int[] {dst(p, ops.get(0))};
        in.s = new int[ops.size() - 1];
        for (int i = 1; i < ops.size(); i++) in.s[i - 1] = src(p, ops.get(i), st);
        boolean fd = dt.startsWith("f") || dt.startsWith("bf"), fs = st.startsWith("f") || st.startsWith("bf");
        in.op = fd || fs ? Op.CVT_F : Op.CVT_INT;
        in.profileClass = InstrClass.CONVERT;
        need(p, !dt.endsWith("x2") || st.equals("f32") && in.s.length == 2 && in.rounding == Rounding.RN,
                "cvt." + String.join(".", mods) + "." + dt + "." + st);
        need(p, dt.endsWith("x2") || in.s.length == 1, "cvt operands");
        need(p, !(fd && fs) || dt.endsWith("x2") || dt.equals("f32") || dt.equals("f64") && !st.equals("f64")
                || (dt.equals("f16") || dt.equals("bf16")) && st.equals("f32"), "cvt." + dt + "." + st);
        need(p, !(fd && !fs) || dt.equals("f32") || dt.equals("f64"), "cvt from an integer to " + dt);
    }

    private void cvta(Instr in, PtxInstruction p, List<String> mods, List<String> types, List<Operand> ops) {
        boolean to = mods.contains("to");
        String sp = mods.stream().filter(m -> Space.of(m) >= 0).findFirst().orElse("");
        in.space = Space.of(sp);
        need(p, in.space == Space.GLOBAL || in.space == Space.SHARED || in.space == Space.LOCAL, "cvta to or from ." + sp);
        need(p, ops.size() == 2 && types.size() == 1, "cvta operands");
        typed(in, types.get(0));
        in.op = Op.CVTA;
        in.sat = to;
        in.d = new int[] {dst(p, ops.get(0))};
        in.s = new int[] {src(p, ops.get(1), types.get(0))};
        in.profileClass = InstrClass.INTEGER;
    }

    private void loadStore(Instr in, PtxInstruction p, String base, List<String> mods, List<String> types, List<Operand> ops) {
        boolean store = base.equals("st");
        in.op = store ? Op.ST : Op.LD;
        in.space = base.equals("ldu") ? Space.GLOBAL : Space.GENERIC;
        for (String m : mods) {
            if (Space.of(m) >= 0) in.space = Space.of(m);
            else if (m.equals("v2") || m.equals("v4")) in.vector = m.charAt(1) - '0';
            else if (m.equals("shared::cta")) in.space = Space.SHARED;
            else if (!IGNORED_MODIFIERS.contains(m) && !m.startsWith("L2::") && !m.startsWith("L1::"))
                throw error(p, base + " modifier ." + m + " is not supported");
        }
        need(p, types.size() == 1 && ops.size() == 2, base + " form");
        need(p, !types.get(0).equals("b128"), base + ".b128");
        typed(in, types.get(0));
        Operand value = ops.get(store ? 1 : 0), addr = ops.get(store ? 0 : 1);
        if (store) {
            in.s = value.kind() == Operand.Kind.VECTOR ? srcs(p, value, types.get(0)) : new int[] {src(p, value, types.get(0))};
        } else {
            in.d = value.kind() == Operand.Kind.VECTOR ? dsts(p, value) : new int[] {dst(p, value)};
        }
        need(p, (store ? in.s.length : in.d.length) == in.vector, base + " vector size and operand count");
        address(in, p, addr);
        in.profileClass = InstrClass.memory(in.space);
    }

    private void atom(Instr in, PtxInstruction p, String base, List<String> mods, List<String> types, List<Operand> ops) {
        in.op = Op.ATOM;
        in.space = Space.GENERIC;
        in.sub = -1;
        for (String m : mods) {
            int op = List.of("add", "min", "max", "exch", "cas", "and", "or", "xor", "inc", "dec").indexOf(m);
            if (op >= 0) in.sub = op;
            else if (Space.of(m) >= 0) in.space = Space.of(m);
            else if (m.equals("shared::cta")) in.space = Space.SHARED;
            else if (!IGNORED_MODIFIERS.contains(m)) throw error(p, base + " modifier ." + m + " is not supported");
        }
        need(p, in.sub >= 0 && types.size() == 1, base + " operation");
        String type = types.get(0);
        typed(in, type);
        need(p, in.space != Space.LOCAL && in.space != Space.CONST && in.space != Space.PARAM, base + " in ." + Space.name(in.space));
        need(p, in.width == 32 || in.width == 64, base + " on " + type);
        need(p, !type.startsWith("f") || in.sub == 0 || in.sub == 3, base + "." + List.of("add", "min", "max", "exch", "cas", "and", "or", "xor", "inc", "dec").get(in.sub) + " on " + type);
        boolean red = base.equals("red");
        int first = red ? 0 : 1;
        need(p, ops.size() == first + (in.sub == 4 ? 3 : 2), base + " operands");
        in.d = red ? new int[0] : new int[] {dst(p, ops.get(0))};
        in.s = in.sub == 4 ? new int[] {src(p, ops.get(first + 1), type), src(p, ops.get(first + 2), type)}
                : new int[] {src(p, ops.get(first + 1), type)};
        address(in, p, ops.get(first));
        in.profileClass = InstrClass.memory(in.space);
    }

    private void cpAsync(Instr in, PtxInstruction p, List<String> mods, List<Operand> ops) {
        need(p, !mods.isEmpty() && mods.get(0).equals("async") && !mods.contains("bulk") && !mods.contains("mbarrier"), p.opcode());
        in.profileClass = InstrClass.MEMORY_GLOBAL;
        if (mods.contains("commit_group")) {
            in.op = Op.CP_COMMIT;
            return;
        }
        if (mods.contains("wait_group") || mods.contains("wait_all")) {
            in.op = Op.CP_WAIT;
            in.offset = mods.contains("wait_all") ? 0 : immediate(p, ops.get(0).immediate(), "u32");
            in.sat = mods.contains("wait_all");
            return;
        }
        need(p, (mods.contains("ca") || mods.contains("cg")) && mods.contains("shared") && mods.contains("global") && ops.size() >= 3 && ops.size() <= 4,
                "cp.async form");
        in.op = Op.CP_ASYNC;
        address(in, p, ops.get(0));
        int dstBase = in.s[0];
        long dstOffset = in.offset;
        address(in, p, ops.get(1));
        in.s = new int[] {dstBase, in.s[0], ops.size() == 4 ? src(p, ops.get(3), "u32") : constant(-1)};
        in.target = (int) dstOffset; // the destination offset; in.offset is the source's
        need(p, ops.get(2).kind() == Operand.Kind.IMMEDIATE, "cp.async size");
        in.width = (int) immediate(p, ops.get(2).immediate(), "u32");
        need(p, in.width == 4 || in.width == 8 || in.width == 16, "cp.async size " + in.width);
        need(p, !mods.contains("cg") || in.width == 16, "cp.async.cg with a size other than 16");
    }

    private void barrier(Instr in, PtxInstruction p, List<String> mods, List<String> types, List<Operand> ops) {
        in.profileClass = InstrClass.BARRIER;
        if (mods.contains("warp")) {
            in.op = Op.WARP_SYNC;
            need(p, ops.size() == 1, "bar.warp.sync operands");
            in.s = new int[] {src(p, ops.get(0), "b32")};
            return;
        }
        if (mods.contains("red")) {
            in.op = Op.BAR_RED;
            in.sub = List.of("popc", "and", "or").indexOf(mods.get(mods.indexOf("red") + 1));
            need(p, in.sub >= 0 && (ops.size() == 3 || ops.size() == 4), "bar.red form");
            in.d = new int[] {dst(p, ops.get(0))};
            in.s = ops.size() == 3 ? new int[] {src(p, ops.get(1), "u32"), constant(-1), src(p, ops.get(2), "pred")}
                    : new int[] {src(p, ops.get(1), "u32"), src(p, ops.get(2), "u32"), src(p, ops.get(3), "pred")};
            if (ops.get(ops.size() - 1).negated()) in.negated = 4;
            return;
        }
        boolean arrive = mods.contains("arrive");
        need(p, arrive || mods.contains("sync"), "bar form " + mods);
        in.op = arrive ? Op.BAR_ARRIVE : Op.BAR_SYNC;
        need(p, ops.size() == 1 || ops.size() == 2, "bar operands");
        in.s = new int[] {src(p, ops.get(0), "u32"), ops.size() == 2 ? src(p, ops.get(1), "u32") : constant(-1)};
    }

    private void mma(Instr in, PtxInstruction p, List<String> mods, List<String> types, List<Operand> ops) {
        need(p, mods.contains("sync") && mods.contains("aligned") && mods.contains("row") && mods.contains("col") && ops.size() == 4, "mma form");
        in.profileClass = InstrClass.TENSOR_CORE;
        in.d = dsts(p, ops.get(0));
        int[] a = srcs(p, ops.get(1), "b32"), b = srcs(p, ops.get(2), "b32"), c = srcs(p, ops.get(3), "b32");
        if (mods.contains("m16n8k32") && types.size() == 4 && types.get(0).equals("s32") && types.get(3).equals("s32")
                && isInt8(types.get(1)) && isInt8(types.get(2))) {
            in.op = Op.MMA_I8;
            in.signed = types.get(1).equals("s8");
            in.signed2 = types.get(2).equals("s8");
            in.sat = mods.contains("satfinite");
        } else if (mods.contains("m16n8k16") && types.size() == 4 && types.get(0).equals("f32") && types.get(3).equals("f32")
                && types.get(1).equals(types.get(2)) && (types.get(1).equals("f16") || types.get(1).equals("bf16"))) {
            in.op = Op.MMA_F16;
            in.sat = types.get(1).equals("bf16");
        } else {
            throw error(p, "mma shape and types " + p.opcode() + " (supported: m16n8k32 s32.{s8,u8}.{s8,u8}.s32, m16n8k16 f32.{f16,bf16}.f32)");
        }
        need(p, in.d.length == 4 && a.length == 4 && b.length == 2 && c.length == 4, "mma fragment register counts");
        in.s = new int[14];
        System.arraycopy(a, 0, in.s, 0, 4);
        System.arraycopy(b, 0, in.s, 4, 2);
        System.arraycopy(c, 0, in.s, 6, 4);
    }

    private static boolean isInt8(String t) {
        return t.equals("s8") || t.equals("u8");
    }

    // ---- operands

    private void address(Instr in, PtxInstruction p, Operand a) {
        need(p, a.kind() == Operand.Kind.ADDRESS, "expected an address [..], found " + a);
        in.offset = a.offset();
        if (a.name() == null) {
            in.s = prepend(in.s, constant(0));
            return;
        }
        Integer reg = registers.get(a.name());
        if (reg != null) {
            in.s = prepend(in.s, reg);
            return;
        }
        Symbol sym = symbols.get(a.name());
        if (sym == null) throw error(p, "unknown register or symbol " + a.name());
        checkSymbolSpace(in, p, sym, a.name());
        in.s = prepend(in.s, constant(sym.address()));
    }

    private void checkSymbolSpace(Instr in, PtxInstruction p, Symbol sym, String name) {
        if (in.space == Space.GENERIC && sym.space() != Space.GLOBAL)
            throw error(p, "generic access to " + name + " in ." + Space.name(sym.space()) + " (give the state space)");
        if (in.space != Space.GENERIC && in.space != sym.space())
            throw error(p, name + " is in ." + Space.name(sym.space()) + ", not ." + Space.name(in.space));
    }

    private static int[] prepend(int[] s, int slot) {
        int[] out = new int[s.length + 1];
        out[0] = slot;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    private int[] dsts(PtxInstruction p, Operand v) {
        need(p, v.kind() == Operand.Kind.VECTOR, "expected a vector {..}, found " + v);
        int[] out = new int[v.elements().size()];
        for (int i = 0; i < out.length; i++) out[i] = dst(p, v.elements().get(i));
        return out;
    }

    private int[] srcs(PtxInstruction p, Operand v, String type) {
        need(p, v.kind() == Operand.Kind.VECTOR, "expected a vector {..}, found " + v);
        int[] out = new int[v.elements().size()];
        for (int i = 0; i < out.length; i++) out[i] = src(p, v.elements().get(i), type);
        return out;
    }

    private int dst(PtxInstruction p, Operand o) {
        need(p, o.kind() == Operand.Kind.NAME && !o.negated(), "expected a destination register, found " + o);
        if (o.name().equals("_")) {
            if (sink < 0) sink = newSlot(0);
            return sink;
        }
        return register(p, o.name());
    }

    private int register(PtxInstruction p, String name) {
        Integer slot = registers.get(name);
        if (slot == null) throw error(p, "undeclared register " + name);
        return slot;
    }

    private int src(PtxInstruction p, Operand o, String type) {
        switch (o.kind()) {
            case IMMEDIATE:
                return constant(immediate(p, o.immediate(), type));
            case NAME: {
                Integer reg = registers.get(o.name());
                if (reg != null) return reg;
                Special sp = Special.of(o.name());
                if (sp != null) return specials.computeIfAbsent(sp, k -> newSlot(0));
                Symbol sym = symbols.get(o.name());
                if (sym == null) throw error(p, "unknown register or symbol " + o.name());
                if (sym.space() == Space.PARAM) throw error(p, "the address of parameter " + o.name() + " is not supported");
                return constant(sym.address());
            }
            default:
                throw error(p, "operand " + o + " where a register or immediate is expected");
        }
    }

    private long immediate(PtxInstruction p, String text, String type) {
        String t = text.startsWith("-") ? text.substring(1) : text;
        boolean minus = t.length() != text.length();
        long v;
        try {
            if (t.length() == 10 && (t.startsWith("0f") || t.startsWith("0F"))) {
                int bits = (int) Long.parseLong(t.substring(2), 16);
                v = type.equals("f64") ? Double.doubleToRawLongBits(Float.intBitsToFloat(bits)) : bits & 0xffffffffL;
                if (minus) v ^= type.equals("f64") ? Long.MIN_VALUE : 0x80000000L;
                return v;
            }
            if (t.length() == 18 && (t.startsWith("0d") || t.startsWith("0D"))) {
                v = Long.parseUnsignedLong(t.substring(2), 16);
                return minus ? v ^ Long.MIN_VALUE : v;
            }
            if (t.endsWith("U") || t.endsWith("u")) t = t.substring(0, t.length() - 1);
            if (type.startsWith("f") && (t.contains(".") || t.contains("e"))) {
                double d = Double.parseDouble(t) * (minus ? -1 : 1);
                return type.equals("f64") ? Double.doubleToRawLongBits(d) : Float.floatToRawIntBits((float) d) & 0xffffffffL;
            }
            if (t.startsWith("0x") || t.startsWith("0X")) v = Long.parseUnsignedLong(t.substring(2), 16);
            else if (t.length() > 1 && t.startsWith("0")) v = Long.parseLong(t.substring(1), 8);
            else if (t.startsWith("0b")) v = Long.parseLong(t.substring(2), 2);
            else v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error(p, "bad immediate '" + text + "'");
        }
        if (type.startsWith("f")) {
            double d = minus ? -v : v;
            return type.equals("f64") ? Double.doubleToRawLongBits(d) : Float.floatToRawIntBits((float) d) & 0xffffffffL;
        }
        return minus ? -v : v;
    }

    private int constant(long value) {
        return constants.computeIfAbsent(value, this::newSlot);
    }

    private int slotOf(String register) {
        return registers.computeIfAbsent(register, k -> newSlot(0));
    }

    private int newSlot(long initial) {
        template.add(initial);
        return template.size() - 1;
    }

    // ---- types

    private static boolean isType(String m) {
        return typeWidth(m) > 0;
    }

    static int typeWidth(String t) {
        return switch (t) {
            case "pred" -> 1;
            case "b8", "u8", "s8" -> 8;
            case "b16", "u16", "s16", "f16", "bf16" -> 16;
            case "b32", "u32", "s32", "f32", "f16x2", "bf16x2" -> 32;
            case "b64", "u64", "s64", "f64" -> 64;
            case "b128" -> 128;
            default -> 0;
        };
    }

    private static void typed(Instr in, String type) {
        in.type = type;
        in.width = typeWidth(type);
        in.signed = type.startsWith("s");
    }

    private void need(PtxInstruction p, boolean ok, String what) {
        if (!ok) throw error(p, "unsupported " + what + " in '" + p + "'");
    }

    private CudaException error(PtxInstruction p, String message) {
        return new CudaException(module.file() + ":" + p.line() + ": " + message + " (kernel " + fn.name() + ")");
    }
}
