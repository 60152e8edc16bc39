package io.qvit.backend.cuda.emu;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.DeviceLimits;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.program.Program;
import io.qvit.backend.cuda.emu.ptx.PtxParam;
import java.util.List;

/** The checks a GPU makes before it runs a launch: block and grid extents, shared memory, and the arguments against the entry's parameters. */
final class LaunchChecks {
    private LaunchChecks() {}

    static void check(String what, DeviceLimits limits, Program p, Dim3 grid, Dim3 block, int dynamicShared, int optIn) {
        if (block.volume() > limits.maxThreadsPerBlock())
            throw new CudaException(what + ": " + block.volume() + " threads per block, the limit is " + limits.maxThreadsPerBlock()
                    + " (CUDA_ERROR_INVALID_VALUE)");
        Dim3 mb = limits.maxBlock(), mg = limits.maxGrid();
        if (block.x() > mb.x() || block.y() > mb.y() || block.z() > mb.z())
            throw new CudaException(what + ": block extents exceed " + mb + " (CUDA_ERROR_INVALID_VALUE)");
        if (grid.x() > mg.x() || grid.y() > mg.y() || grid.z() > mg.z())
            throw new CudaException(what + ": grid extents exceed " + mg + " (CUDA_ERROR_INVALID_VALUE)");
        if (dynamicShared < 0) throw new CudaException(what + ": negative dynamic shared memory " + dynamicShared);
        long total = p.staticSharedBytes() + dynamicShared;
        if (dynamicShared > 0) total = p.dynamicSharedBase() + dynamicShared;
        if (total > limits.sharedBytesPerBlock() && dynamicShared > optIn)
            throw new CudaException(what + ": " + total + " bytes of shared memory (" + p.staticSharedBytes() + " static + " + dynamicShared
                    + " dynamic) exceed " + limits.sharedBytesPerBlock() + " bytes; above that the kernel must opt in with setMaxDynamicSharedBytes"
                    + " (up to " + limits.sharedBytesPerBlockOptIn() + " bytes on sm_" + limits.computeCapability() + ")"
                    + (optIn > 0 ? "; it opted in to " + optIn + " bytes only" : ""));
        if (total > limits.sharedBytesPerBlockOptIn())
            throw new CudaException(what + ": " + total + " bytes of shared memory exceed the device's " + limits.sharedBytesPerBlockOptIn());
    }

    /** The parameter buffer, each argument at its parameter's offset; count and sizes must match. */
    static byte[] params(String what, Program p, KernelArgs args, DeviceLimits limits) {
        List<KernelArgs.Arg> list = args.list();
        List<PtxParam> params = p.params();
        if (list.size() != params.size())
            throw new CudaException(what + ": " + list.size() + " arguments for " + params.size() + " parameters ("
                    + String.join(", ", params.stream().map(q -> q.name() + ":" + q.size() + "B").toList()) + ")");
        if (p.paramBytes() > limits.maxParamBytes())
            throw new CudaException(what + ": " + p.paramBytes() + " bytes of parameters exceed " + limits.maxParamBytes());
        byte[] buffer = new byte[p.paramBytes()];
        for (int i = 0; i < list.size(); i++) {
            KernelArgs.Arg a = list.get(i);
            PtxParam q = params.get(i);
            if (a.bytes().length != q.size())
                throw new CudaException(what + ": argument " + i + " (" + a.kind() + ", " + a.bytes().length + " bytes) does not fit parameter "
                        + q.name() + " of " + q.size() + " bytes");
            System.arraycopy(a.bytes(), 0, buffer, p.paramOffsets()[i], q.size());
        }
        return buffer;
    }
}
