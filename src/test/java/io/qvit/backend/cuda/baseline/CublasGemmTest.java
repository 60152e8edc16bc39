package io.qvit.backend.cuda.baseline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qvit.backend.cuda.driver.CudaException;
import org.junit.jupiter.api.Test;

/** The cuBLAS baseline: without libcublas.so.13 (every machine but the GPU one) a one-line refusal. */
class CublasGemmTest {
    @Test
    void withoutCublasTheRefusalIsOneLine() {
        String reason = CublasGemm.unavailableReason();
        assumeTrue(reason != null, "cuBLAS 13 loads here: the refusal cannot be seen");
        assertFalse(reason.contains("\n"), reason);
        assertTrue(reason.contains("libcublas.so.13"), reason);
        CudaException e = assertThrows(CudaException.class, CublasGemm::new);
        assertTrue(e.getMessage().equals(reason), e.getMessage());
    }
}
