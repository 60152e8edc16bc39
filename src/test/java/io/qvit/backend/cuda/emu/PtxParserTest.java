package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.ptx.Operand;
import io.qvit.backend.cuda.emu.ptx.PtxFunction;
import io.qvit.backend.cuda.emu.ptx.PtxInstruction;
import io.qvit.backend.cuda.emu.ptx.PtxModule;
import io.qvit.backend.cuda.emu.ptx.PtxParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser and decoder on nvcc's PTX and on hand-written forms; anything unsupported is an error naming file and line. */
class PtxParserTest {
    @ParameterizedTest
    @ValueSource(strings = {"integer_ops.ptx", "reduce_sum.ptx", "atomics.ptx", "warp_vote.ptx", "cp_async_copy.ptx", "planted_bugs.ptx",
            "handwritten_ops.ptx"})
    void committedKernelsParseAndDecode(String file) {
        try (EmuDriver d = new EmuDriver(1)) {
            Emu.module(d, file);
        }
    }

    @Test
    void operandFormsAndRegisterRanges() {
        PtxModule m = PtxParser.parse("f.ptx", """
                .version 9.0
                .target sm_80
                .address_size 64
                .extern .shared .align 16 .b8 dyn[];
                .global .align 4 .b8 bytes[6] = {1, 2, 3};
                .visible .entry k(.param .u64 k_p0, .param .align 8 .b8 k_p1[24])
                .maxntid 128, 1, 1
                {
                    .reg .b32 %r<3>;
                    .reg .pred %p<2>;
                    /* a block comment
                       over two lines */
                $L_top:
                    @!%p1 bra $L_top; // a comment
                    ld.global.v2.u32 {%r1, %r2}, [%rd1+-16];
                    st.shared::cta.u32 [dyn+4], %r0;
                    shfl.sync.bfly.b32 %r1|%p0, %r2, 1, 31, -1;
                }
                """);
        PtxFunction k = m.functions().get(0);
        assertEquals(List.of("%r0", "%r1", "%r2", "%p0", "%p1"), List.copyOf(k.registers().keySet()));
        assertEquals(24, k.params().get(1).size());
        assertEquals(0, k.labels().get("$L_top"));
        assertEquals(-1, m.variables().get(0).count());
        assertEquals(6, m.variables().get(1).init().length);
        PtxInstruction bra = k.instructions().get(0);
        assertEquals(14, bra.line());
        assertEquals("%p1", bra.guard());
        assertTrue(bra.guardNegated());
        Operand addr = k.instructions().get(1).operands().get(1);
        assertEquals(-16, addr.offset());
        assertEquals("%rd1", addr.name());
        assertEquals(2, k.instructions().get(1).operands().get(0).elements().size());
        assertEquals("st.shared::cta.u32", k.instructions().get(2).opcode());
        assertEquals("%p0", k.instructions().get(3).operands().get(0).second());
    }

    private static String kernel(String body) {
        return ".version 9.0\n.target sm_80\n.address_size 64\n.visible .entry k()\n{\n.reg .b32 %r<4>;\n.reg .f32 %f<4>;\n" + body + "\nret;\n}\n";
    }

    @Test
    void unsupportedInstructionsAndFormsNameFileAndLine() {
        try (EmuDriver d = new EmuDriver(1)) {
            CudaException unknown = assertThrows(CudaException.class, () -> d.loadModule("u.ptx", kernel("frobnicate.b32 %r1, %r2;")));
            assertTrue(unknown.getMessage().startsWith("u.ptx:8:") && unknown.getMessage().contains("frobnicate.b32"), unknown.getMessage());
            CudaException carry = assertThrows(CudaException.class, () -> d.loadModule("c.ptx", kernel("add.cc.u32 %r1, %r2, %r3;")));
            assertTrue(carry.getMessage().startsWith("c.ptx:8:") && carry.getMessage().contains(".cc"), carry.getMessage());
            CudaException f16 = assertThrows(CudaException.class, () -> d.loadModule("h.ptx", kernel("add.f16x2 %r1, %r2, %r3;")));
            assertTrue(f16.getMessage().startsWith("h.ptx:8:"), f16.getMessage());
            CudaException undeclared = assertThrows(CudaException.class, () -> d.loadModule("r.ptx", kernel("mov.u32 %r9, 1;")));
            assertTrue(undeclared.getMessage().contains("undeclared register %r9"), undeclared.getMessage());
            CudaException label = assertThrows(CudaException.class, () -> d.loadModule("l.ptx", kernel("bra NOWHERE;")));
            assertTrue(label.getMessage().contains("NOWHERE"), label.getMessage());
            CudaException syntax = assertThrows(CudaException.class, () -> d.loadModule("s.ptx", kernel("mov.u32 %r1 1;")));
            assertTrue(syntax.getMessage().startsWith("s.ptx:8:"), syntax.getMessage());
            CudaException kernelName = assertThrows(CudaException.class, () -> d.loadModule("n.ptx", kernel("")).kernel("other"));
            assertTrue(kernelName.getMessage().contains("its entries: k"), kernelName.getMessage());
        }
    }
}
