package io.qvit.backend.cuda.jcuda;

import static jcuda.driver.JCudaDriver.*;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.DeviceLimits;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JITOptions;

/**
 * {@link CudaDriver} on a real GPU through JCuda's driver API: the device's primary context, one
 * stream. Every call's result code is checked; a failure names the call (a launch: the kernel, grid
 * and block) and the CUDA error. Open it only after {@link JCudaProbe#unavailableReason()} returned null.
 */
public final class JCudaGpuDriver implements CudaDriver {
    private static final int LOG_BYTES = 16 * 1024;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final DeviceLimits limits;
    private final Map<Long, DeviceAddress> allocations = new HashMap<>();
    private boolean capturing;
    private boolean closed;

    /** The GPU of that ordinal. */
    public JCudaGpuDriver(int ordinal) {
        String reason = JCudaProbe.unavailableReason();
        if (reason != null) throw new CudaException("--device cuda: " + reason + "; use --device cpu or --device emu");
        check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        check(cuStreamCreate(stream, 0), "cuStreamCreate");
        byte[] raw = new byte[256];
        check(cuDeviceGetName(raw, raw.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < raw.length && raw[end] != 0) end++;
        int cc = 10 * attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        name = new String(raw, 0, end, StandardCharsets.UTF_8) + " (sm_" + cc + ")";
        limits = new DeviceLimits(cc, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
                new Dim3(attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X),
                        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y),
                        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z)),
                new Dim3(attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X),
                        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y),
                        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN), 32764);
    }

    @Override
    public String deviceName() {
        return name;
    }

    @Override
    public String driverVersion() {
        int[] v = new int[1];
        check(cuDriverGetVersion(v), "cuDriverGetVersion");
        return v[0] / 1000 + "." + v[0] % 1000 / 10;
    }

    /** The maximum SM and memory clocks the driver reports (the clocks under load may be lower). */
    @Override
    public String clocks() {
        current();
        return "SM max " + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE) / 1000 + " MHz, memory max "
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE) / 1000 + " MHz";
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    @Override
    public Module loadModule(String moduleName, String ptx) {
        current();
        CUmodule module = new CUmodule();
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        byte[] text = (ptx + '\0').getBytes(StandardCharsets.UTF_8);
        int r = cuModuleLoadDataJIT(module, Pointer.to(text), jit);
        if (r != CUresult.CUDA_SUCCESS)
            throw new CudaException("loading PTX " + moduleName + ": " + CUresult.stringFor(r) + "; the JIT said: "
                    + jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER).trim());
        return new Module() {
            @Override
            public String name() {
                return moduleName;
            }

            @Override
            public Kernel kernel(String kernelName) {
                current();
                CUfunction f = new CUfunction();
                check(cuModuleGetFunction(f, module, kernelName), "cuModuleGetFunction(" + moduleName + ", " + kernelName + ")");
                return new GpuKernel(kernelName, f);
            }
        };
    }

    private record GpuKernel(String name, CUfunction function) implements Kernel {
        @Override
        public void setMaxDynamicSharedBytes(int bytes) {
            check(cuFuncSetAttribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                    "cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + bytes + ")");
        }
    }

    @Override
    public long malloc(long bytes) {
        current();
        DeviceAddress p = new DeviceAddress();
        int r = cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] free = new long[1], total = new long[1];
            cuMemGetInfo(free, total);
            throw new CudaException(String.format("out of device memory: asked for %.1f MiB with %.1f MiB free of %.1f MiB; use a smaller batch",
                    bytes / 1048576.0, free[0] / 1048576.0, total[0] / 1048576.0));
        }
        check(r, "cuMemAlloc(" + bytes + " bytes)");
        allocations.put(p.value(), p);
        return p.value();
    }

    @Override
    public void free(long address) {
        current();
        DeviceAddress p = allocations.remove(address);
        if (p == null) throw new CudaException("cuMemFree: 0x" + Long.toHexString(address) + " is not an allocation of this driver");
        check(cuMemFree(p), "cuMemFree(0x" + Long.toHexString(address) + ")");
    }

    @Override
    public void copyToDevice(long dst, ByteBuffer src) {
        notCapturing("cuMemcpyHtoD");
        // the stream may still read the destination: copies are ordered after queued work by synchronising first
        synchronize();
        check(cuMemcpyHtoD(DeviceAddress.at(dst), Pointer.to(src.slice()), src.remaining()),
                "cuMemcpyHtoD(" + src.remaining() + " bytes to 0x" + Long.toHexString(dst) + ")");
    }

    @Override
    public void copyToHost(ByteBuffer dst, long src) {
        notCapturing("cuMemcpyDtoH");
        synchronize();
        check(cuMemcpyDtoH(Pointer.to(dst.slice()), DeviceAddress.at(src), dst.remaining()),
                "cuMemcpyDtoH(" + dst.remaining() + " bytes from 0x" + Long.toHexString(src) + ")");
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        current();
        check(cuMemcpyDtoDAsync(DeviceAddress.at(dst), DeviceAddress.at(src), bytes, stream),
                "cuMemcpyDtoDAsync(" + bytes + " bytes from 0x" + Long.toHexString(src) + " to 0x" + Long.toHexString(dst) + ")");
    }

    @Override
    public void memset(long dst, int value, long bytes) {
        current();
        check(cuMemsetD8Async(DeviceAddress.at(dst), (byte) value, bytes, stream),
                "cuMemsetD8Async(0x" + Long.toHexString(dst) + ", " + bytes + " bytes)");
    }

    @Override
    public void launch(Kernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args) {
        current();
        List<KernelArgs.Arg> list = args.list();
        Pointer[] each = new Pointer[list.size()];
        for (int i = 0; i < each.length; i++) each[i] = Pointer.to(list.get(i).bytes());
        int r = cuLaunchKernel(((GpuKernel) kernel).function(), grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                dynamicSharedBytes, stream, Pointer.to(each), null);
        check(r, "launch of " + kernel.name() + " grid " + grid + " block " + block + " shared " + dynamicSharedBytes + " B");
    }

    @Override
    public void synchronize() {
        notCapturing("cuStreamSynchronize");
        check(cuStreamSynchronize(stream), "cuStreamSynchronize (an earlier launch failed)");
    }

    @Override
    public void beginCapture() {
        notCapturing("cuStreamBeginCapture");
        // relaxed: the pool may still cuMemAlloc a new size class while the forward is recorded
        check(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED), "cuStreamBeginCapture");
        capturing = true;
    }

    @Override
    public Graph endCapture() {
        current();
        if (!capturing) throw new CudaException("cuStreamEndCapture: the stream is not capturing");
        capturing = false;
        CUgraph graph = new CUgraph();
        check(cuStreamEndCapture(stream, graph), "cuStreamEndCapture (a call during the capture was not capturable)");
        CUgraphExec exec = new CUgraphExec();
        int r = cuGraphInstantiate(exec, graph, 0);
        cuGraphDestroy(graph);
        check(r, "cuGraphInstantiate");
        return new Graph() {
            private boolean destroyed;

            @Override
            public void launch() {
                if (destroyed) throw new CudaException("cuGraphLaunch: the graph was destroyed");
                notCapturing("cuGraphLaunch");
                check(cuGraphLaunch(exec, stream), "cuGraphLaunch");
            }

            @Override
            public void close() {
                if (destroyed || closed) return;
                destroyed = true;
                current();
                check(cuGraphExecDestroy(exec), "cuGraphExecDestroy");
            }
        };
    }

    private record GpuEvent(CUevent event) implements Event {}

    @Override
    public Event record() {
        notCapturing("cuEventRecord");
        CUevent e = new CUevent();
        check(cuEventCreate(e, 0), "cuEventCreate");
        check(cuEventRecord(e, stream), "cuEventRecord");
        return new GpuEvent(e);
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        check(cuEventSynchronize(((GpuEvent) end).event()), "cuEventSynchronize");
        float[] ms = new float[1];
        check(cuEventElapsedTime(ms, ((GpuEvent) start).event(), ((GpuEvent) end).event()), "cuEventElapsedTime");
        cuEventDestroy(((GpuEvent) start).event());
        cuEventDestroy(((GpuEvent) end).event());
        return ms[0];
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        current();
        cuStreamSynchronize(stream);
        for (DeviceAddress p : allocations.values()) cuMemFree(p);
        allocations.clear();
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(device);
    }

    private void current() {
        if (closed) throw new CudaException("the CUDA driver for " + name + " is closed");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private void notCapturing(String call) {
        current();
        if (capturing) throw new CudaException(call + " while the stream is being captured: a captured forward may only launch kernels and set memory");
    }

    private int attribute(int which) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, which, device), "cuDeviceGetAttribute(" + which + ")");
        return v[0];
    }

    private static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(call + " failed: " + CUresult.stringFor(result));
    }
}
