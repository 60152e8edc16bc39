package io.qvit.backend.cuda.baseline;

import static org.bytedeco.cuda.global.cublas.*;
import static org.bytedeco.cuda.global.cudart.CUDA_R_16F;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32I;
import static org.bytedeco.cuda.global.cudart.CUDA_R_8I;

import io.qvit.QvitException;
import io.qvit.backend.cuda.driver.CudaException;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * cuBLAS's GEMM as the bench's yardstick: {@code y[M,N] = x[M,K] w[N,K]^T} (row-major, as qvit's
 * kernels) through cublasGemmEx in FP32, FP16 (FP32 accumulation) or INT8 (INT32 out), on device
 * memory the JCuda driver allocated (the same primary context: cuBLAS's runtime uses it). Bound through
 * JavaCPP to the system's {@code libcublas.so.13}; a machine without it gets a one-line reason from
 * {@link #unavailableReason}, never a stack trace.
 */
public final class CublasGemm implements AutoCloseable {
    /** Operand and result types of a baseline GEMM. */
    public enum Type {
        FP32(CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F),
        FP16(CUDA_R_16F, CUDA_R_32F, CUBLAS_COMPUTE_32F),
        INT8(CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I);

        final int operand, result, compute;

        Type(int operand, int result, int compute) {
            this.operand = operand;
            this.result = result;
            this.compute = compute;
        }
    }

    private static String reason;
    private static boolean probed;

    private final cublasContext handle = new cublasContext();

    /** Null when cuBLAS loads; otherwise why not, in one line. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            try {
                Loader.load(org.bytedeco.cuda.global.cublas.class);
            } catch (LinkageError | RuntimeException e) {
                reason = "cuBLAS 13 could not be loaded (" + QvitException.firstLine(e)
                        + "); the baseline needs libcublas.so.13 on the library path (LD_LIBRARY_PATH)";
            }
        }
        return reason;
    }

    /** A cuBLAS handle on the current device; the caller has made the JCuda context current. */
    public CublasGemm() {
        String r = unavailableReason();
        if (r != null) throw new CudaException(r);
        check(cublasCreate_v2(handle), "cublasCreate");
    }

    /** {@code y = x w^T}: x [m, k], w [n, k], y [m, n], all row-major device addresses of the type's operand and result types. */
    public void gemm(Type type, long x, long w, long y, int m, int n, int k) {
        // row-major y = x w^T is column-major y^T = w x^T: w is [k, n] column-major, transposed
        Pointer alpha = type == Type.INT8 ? new IntPointer(1).put(1) : new FloatPointer(1).put(1f);
        Pointer beta = type == Type.INT8 ? new IntPointer(1).put(0) : new FloatPointer(1).put(0f);
        check(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, alpha, at(w), type.operand, k, at(x), type.operand, k, beta,
                at(y), type.result, n, type.compute, CUBLAS_GEMM_DEFAULT), "cublasGemmEx " + type + " " + m + "x" + n + "x" + k);
    }

    private static Pointer at(long address) {
        return new Pointer() {
            {
                this.address = address;
            }
        };
    }

    private static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) throw new CudaException(call + " failed: cuBLAS status " + status);
    }

    @Override
    public void close() {
        cublasDestroy_v2(handle);
    }
}
