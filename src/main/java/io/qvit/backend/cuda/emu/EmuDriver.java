package io.qvit.backend.cuda.emu;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.DeviceLimits;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.exec.KernelLaunch;
import io.qvit.backend.cuda.emu.exec.LaunchFailure;
import io.qvit.backend.cuda.emu.memory.Allocation;
import io.qvit.backend.cuda.emu.memory.GlobalMemory;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.ptx.PtxFunction;
import io.qvit.backend.cuda.emu.ptx.PtxModule;
import io.qvit.backend.cuda.emu.ptx.PtxParam;
import io.qvit.backend.cuda.emu.ptx.PtxParser;
import io.qvit.backend.cuda.emu.ptx.PtxVariable;
import io.qvit.backend.cuda.emu.program.Decoder;
import io.qvit.backend.cuda.emu.program.Program;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.backend.cuda.emu.program.Symbol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The PTX emulator as a {@link CudaDriver}: modules are parsed and decoded when loaded, launches run
 * synchronously on a pool of {@code workers} threads (CTAs spread over them) with memcheck, initcheck,
 * racecheck and deadlock detection always on, and are checked against sm_90's limits first. Each
 * launch leaves a {@link LaunchProfile}; a launch the sanitizers fail throws a {@link LaunchFailure}.
 * A captured graph is the list of its launches and memsets, checked when recorded and run on each replay.
 */
public final class EmuDriver implements CudaDriver {
    private final int workers;
    private final ExecutorService pool;
    private final GlobalMemory global = new GlobalMemory();
    private final DeviceLimits limits = DeviceLimits.sm90();
    private LaunchProfile lastProfile;
    private List<Runnable> capturing; // the work being recorded, or null when the stream runs
    private boolean closed;

    /** An emulator that runs CTAs on {@code workers} threads (1 gives a deterministic order of CTAs). */
    public EmuDriver(int workers) {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ptx-emulator");
            t.setDaemon(true);
            return t;
        });
    }

    public EmuDriver() {
        this(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String deviceName() {
        return "PTX emulator (sm_90 limits, " + workers + " threads)";
    }

    @Override
    public String driverVersion() {
        return "emulator";
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    /** The profile of the last launch (also of a failed one: what ran before the findings); null before any. */
    public LaunchProfile lastProfile() {
        return lastProfile;
    }

    @Override
    public Module loadModule(String name, String ptx) {
        open();
        PtxModule module = PtxParser.parse(name, ptx);
        Map<String, Symbol> symbols = new HashMap<>();
        List<PtxVariable> moduleShared = module.variables().stream().filter(v -> v.space().equals("shared")).toList();
        int constBytes = 0;
        for (PtxVariable v : module.variables())
            if (v.space().equals("const")) constBytes = (int) (align(constBytes, v.align()) + v.bytes());
        byte[] constants = new byte[constBytes];
        int constOffset = 0;
        for (PtxVariable v : module.variables()) {
            if (v.space().equals("const")) {
                constOffset = (int) align(constOffset, v.align());
                if (v.init() != null) System.arraycopy(v.init(), 0, constants, constOffset, v.init().length);
                symbols.put(v.name(), new Symbol(Space.CONST, constOffset));
                constOffset += (int) v.bytes();
            } else if (v.space().equals("global")) {
                Allocation a = global.allocate(Math.max(1, v.bytes()), name + " variable " + v.name());
                if (v.init() != null) System.arraycopy(v.init(), 0, a.data, 0, v.init().length);
                Arrays.fill(a.initialised, (byte) 1); // module variables start zeroed or initialised
                symbols.put(v.name(), new Symbol(Space.GLOBAL, a.base));
            }
        }
        Map<String, EmuKernel> kernels = new LinkedHashMap<>();
        for (PtxFunction f : module.functions())
            if (f.entry() && f.body()) kernels.put(f.name(), new EmuKernel(Decoder.decode(module, f, symbols, moduleShared), constants));
        return new Module() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Kernel kernel(String kernelName) {
                EmuKernel k = kernels.get(kernelName);
                if (k == null) throw new CudaException(name + ": no kernel " + kernelName + "; its entries: " + String.join(", ", kernels.keySet()));
                return k;
            }
        };
    }

    private static long align(long v, int a) {
        return a <= 1 ? v : (v + a - 1) / a * a;
    }

    @Override
    public long malloc(long bytes) {
        open();
        return global.allocate(bytes, "cuMemAlloc(" + bytes + ")").base;
    }

    @Override
    public void free(long address) {
        open();
        global.free(address);
    }

    @Override
    public void copyToDevice(long dst, ByteBuffer src) {
        notCapturing("cuMemcpyHtoD");
        int n = src.remaining();
        Allocation a = global.require(dst, n, "cuMemcpyHtoD");
        int o = (int) (dst - a.base);
        src.duplicate().get(a.data, o, n);
        Arrays.fill(a.initialised, o, o + n, (byte) 1);
    }

    @Override
    public void copyToHost(ByteBuffer dst, long src) {
        notCapturing("cuMemcpyDtoH");
        int n = dst.remaining();
        Allocation a = global.require(src, n, "cuMemcpyDtoH");
        dst.duplicate().put(a.data, (int) (src - a.base), n);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        open();
        Allocation from = global.require(src, bytes, "cuMemcpyDtoD source"), to = global.require(dst, bytes, "cuMemcpyDtoD destination");
        int f = (int) (src - from.base), t = (int) (dst - to.base);
        System.arraycopy(from.data, f, to.data, t, (int) bytes);
        System.arraycopy(from.initialised, f, to.initialised, t, (int) bytes);
    }

    @Override
    public void memset(long dst, int value, long bytes) {
        open();
        global.require(dst, bytes, "cuMemsetD8");
        if (capturing != null) capturing.add(() -> set(dst, value, bytes));
        else set(dst, value, bytes);
    }

    private void set(long dst, int value, long bytes) {
        Allocation a = global.require(dst, bytes, "cuMemsetD8");
        int o = (int) (dst - a.base);
        Arrays.fill(a.data, o, o + (int) bytes, (byte) value);
        Arrays.fill(a.initialised, o, o + (int) bytes, (byte) 1);
    }

    @Override
    public void launch(Kernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args) {
        open();
        if (!(kernel instanceof EmuKernel k)) throw new CudaException("launch: " + kernel.name() + " was not loaded by this emulator");
        Program p = k.program;
        String what = "launch of " + p.name() + " grid " + grid + " block " + block;
        LaunchChecks.check(what, limits, p, grid, block, dynamicSharedBytes, k.maxDynamicShared);
        byte[] params = LaunchChecks.params(what, p, args, limits);
        if (capturing != null) capturing.add(() -> run(k, grid, block, dynamicSharedBytes, params));
        else run(k, grid, block, dynamicSharedBytes, params);
    }

    private void run(EmuKernel k, Dim3 grid, Dim3 block, int dynamicSharedBytes, byte[] params) {
        open();
        Program p = k.program;
        try {
            lastProfile = KernelLaunch.run(p, global, k.constants, grid, block, dynamicSharedBytes, params, pool, workers);
        } catch (LaunchFailure f) {
            lastProfile = f.profile();
            throw f;
        }
    }

    @Override
    public void synchronize() {
        notCapturing("cuStreamSynchronize");
    }

    @Override
    public void beginCapture() {
        notCapturing("cuStreamBeginCapture");
        capturing = new ArrayList<>();
    }

    @Override
    public Graph endCapture() {
        open();
        if (capturing == null) throw new CudaException("cuStreamEndCapture: the stream is not capturing");
        List<Runnable> steps = List.copyOf(capturing);
        capturing = null;
        return new Graph() {
            private boolean closed;

            @Override
            public void launch() {
                if (closed) throw new CudaException("cuGraphLaunch: the graph was destroyed");
                notCapturing("cuGraphLaunch");
                for (Runnable step : steps) step.run();
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Override
    public Event record() {
        notCapturing("cuEventRecord");
        return new EmuEvent(System.nanoTime());
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        if (!(start instanceof EmuEvent s) || !(end instanceof EmuEvent e)) throw new CudaException("elapsedMillis: events from another driver");
        return (e.nanos - s.nanos) / 1e6f;
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
    }

    private void open() {
        if (closed) throw new CudaException("the PTX emulator was closed");
    }

    private void notCapturing(String call) {
        open();
        if (capturing != null)
            throw new CudaException(call + " while the stream is being captured: a captured forward may only launch kernels and set memory");
    }

    private record EmuEvent(long nanos) implements Event {}

    /** A decoded entry and its opt-in dynamic shared memory limit. */
    static final class EmuKernel implements Kernel {
        final Program program;
        final byte[] constants;
        int maxDynamicShared;

        EmuKernel(Program program, byte[] constants) {
            this.program = program;
            this.constants = constants;
        }

        @Override
        public String name() {
            return program.name();
        }

        @Override
        public void setMaxDynamicSharedBytes(int bytes) {
            int max = DeviceLimits.sm90().sharedBytesPerBlockOptIn() - (int) program.staticSharedBytes();
            if (bytes < 0 || bytes > max)
                throw new CudaException(program.name() + ": max dynamic shared memory " + bytes + " bytes is out of range (0 to " + max
                        + " on sm_90 with " + program.staticSharedBytes() + " bytes of static shared memory)");
            maxDynamicShared = bytes;
        }

        /** Its parameters, for tools that build arguments by name. */
        public List<PtxParam> params() {
            return program.params();
        }
    }
}
