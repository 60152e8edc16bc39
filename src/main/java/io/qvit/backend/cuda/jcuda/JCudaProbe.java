package io.qvit.backend.cuda.jcuda;

import io.qvit.QvitException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Whether this machine can drive a GPU through JCuda, asked once. JCuda's natives link against
 * {@code libcuda.so.1}: without it the first use throws UnsatisfiedLinkError, and NoClassDefFoundError
 * after, so the answer is cached and the reason kept as one line.
 */
public final class JCudaProbe {
    private static volatile String reason;
    private static volatile boolean probed;

    private JCudaProbe() {}

    /** Null when a CUDA driver and at least one device answer; otherwise why not, in one line. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            reason = probe();
            probed = true;
        }
        return reason;
    }

    private static String probe() {
        try {
            int r = JCudaDriver.cuInit(0);
            if (r != CUresult.CUDA_SUCCESS) return "the CUDA driver did not initialise (cuInit: " + CUresult.stringFor(r) + ")";
            int[] count = new int[1];
            r = JCudaDriver.cuDeviceGetCount(count);
            if (r != CUresult.CUDA_SUCCESS) return "cuDeviceGetCount failed: " + CUresult.stringFor(r);
            if (count[0] == 0) return "the CUDA driver sees no GPU";
            return null;
        } catch (LinkageError e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            return "no CUDA driver on this machine (libcuda.so.1 could not be loaded: " + QvitException.firstLine(e) + ")";
        } catch (RuntimeException e) { // JCuda wraps some native loading failures
            return "JCuda could not start: " + QvitException.firstLine(e);
        }
    }
}
