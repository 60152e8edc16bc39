package io.qvit.backend.cuda.emu;

import io.qvit.QvitException;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.exec.Finding;
import io.qvit.backend.cuda.emu.exec.LaunchFailure;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.ptx.PtxParam;
import io.qvit.files.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kernel run on the emulator from files, for {@code qvit emu}: arguments given as
 * {@code NAME=FILE.npy} (a buffer with the file's contents), {@code NAME=TYPE[N]} (a buffer of N
 * elements nothing has written) or {@code NAME=TYPE:VALUE} (a scalar), in the kernel's parameter order.
 * After a clean launch every buffer is written to {@code OUT/NAME.npy}.
 */
public final class KernelRun {
    private static final Map<String, String> BUFFER_TYPES = Map.of("f32", "<f4", "f64", "<f8", "i32", "<i4", "i64", "<i8");
    private static final Pattern BUFFER = Pattern.compile("([a-z0-9]+)\\[(\\d{1,10})]");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** What the run did: the launch's profile, its sanitizer findings (empty when clean), and the files written. */
    public record Result(LaunchProfile profile, List<Finding> findings, List<Path> written) {}

    private record Buffer(String name, String dtype, long address, int bytes) {}

    private KernelRun() {}

    public static Result run(Path ptx, String kernelName, Dim3 grid, Dim3 block, int dynamicShared, List<String> args, Path out, int threads) {
        String text;
        try {
            text = Files.readString(ptx, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new QvitException("--ptx " + ptx + ": cannot read it: " + e.getMessage());
        }
        try (EmuDriver driver = new EmuDriver(threads)) {
            CudaDriver.Module module = driver.loadModule(ptx.getFileName().toString(), text);
            EmuDriver.EmuKernel kernel = (EmuDriver.EmuKernel) QvitException.withContext("--kernel " + kernelName, () -> module.kernel(kernelName));
            List<PtxParam> params = kernel.params();
            if (args.size() != params.size())
                throw new QvitException("--arg: " + kernelName + " has " + params.size() + " parameters (" + String.join(", ", params.stream()
                        .map(p -> p.name() + ": " + p.size() + " bytes").toList()) + ") but " + args.size() + " --arg options were given");
            KernelArgs kernelArgs = new KernelArgs();
            List<Buffer> buffers = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                int eq = arg.indexOf('=');
                String name = eq < 0 ? "" : arg.substring(0, eq), spec = arg.substring(eq + 1);
                if (!NAME.matcher(name).matches())
                    throw new QvitException("--arg " + arg + ": give NAME=FILE.npy, NAME=TYPE[N] or NAME=TYPE:VALUE (NAME of letters, digits, _ . -)");
                if (!names.add(name)) throw new QvitException("--arg " + arg + ": the name " + name + " is given twice");
                argument(driver, arg, name, spec, params.get(i), kernelArgs, buffers);
            }
            if (dynamicShared > driver.limits().sharedBytesPerBlock()) kernel.setMaxDynamicSharedBytes(dynamicShared);
            try {
                driver.launch(kernel, grid, block, dynamicShared, kernelArgs);
            } catch (LaunchFailure f) {
                return new Result(f.profile(), f.findings(), List.of());
            }
            List<Path> written = new ArrayList<>();
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new QvitException("--out " + out + ": cannot create the folder: " + e.getMessage());
            }
            for (Buffer b : buffers) {
                ByteBuffer data = ByteBuffer.allocate(b.bytes).order(ByteOrder.LITTLE_ENDIAN);
                driver.copyToHost(data, b.address);
                Path file = out.resolve(b.name + ".npy");
                Npy.writeRaw(file, b.dtype, data.array());
                written.add(file);
            }
            return new Result(driver.lastProfile(), List.of(), written);
        }
    }

    private static void argument(CudaDriver driver, String arg, String name, String spec, PtxParam param, KernelArgs kernelArgs, List<Buffer> buffers) {
        String where = "--arg " + arg + " (parameter " + param.name() + ", " + param.size() + " bytes)";
        Matcher m = BUFFER.matcher(spec);
        if (spec.endsWith(".npy") || m.matches()) {
            if (param.size() != 8) throw new QvitException(where + ": a buffer is a pointer (8 bytes); this parameter is not");
            String dtype;
            byte[] data = null;
            int bytes;
            if (m.matches()) {
                dtype = BUFFER_TYPES.get(m.group(1));
                if (dtype == null) throw new QvitException(where + ": buffer type " + m.group(1) + " is not one of " + BUFFER_TYPES.keySet());
                long n = Long.parseLong(m.group(2));
                if (n < 1 || n * Npy.itemSize(dtype) > Integer.MAX_VALUE - 64) throw new QvitException(where + ": " + n + " elements is out of range");
                bytes = (int) (n * Npy.itemSize(dtype));
            } else {
                Npy.Raw raw = QvitException.withContext("--arg " + arg, () -> Npy.readRaw(Path.of(spec)));
                dtype = raw.dtype();
                data = raw.data();
                bytes = data.length;
                if (bytes == 0) throw new QvitException(where + ": " + spec + " holds no elements");
            }
            long address = driver.malloc(bytes);
            if (data != null) driver.copyToDevice(address, ByteBuffer.wrap(data));
            buffers.add(new Buffer(name, dtype, address, bytes));
            kernelArgs.pointer(address);
            return;
        }
        int colon = spec.indexOf(':');
        String type = colon < 0 ? spec : spec.substring(0, colon), value = colon < 0 ? "" : spec.substring(colon + 1).trim();
        int size = switch (type) {
            case "i32", "u32", "f32" -> 4;
            case "i64", "u64", "f64" -> 8;
            default -> throw new QvitException(where + ": '" + spec + "' is not FILE.npy, TYPE[N] or TYPE:VALUE with TYPE one of i32 u32 i64 u64 f32 f64");
        };
        if (size != param.size()) throw new QvitException(where + ": a " + type + " is " + size + " bytes");
        try {
            switch (type) {
                case "i32" -> kernelArgs.i32(Integer.parseInt(value));
                case "u32" -> kernelArgs.i32(Integer.parseUnsignedInt(value));
                case "i64" -> kernelArgs.i64(Long.parseLong(value));
                case "u64" -> kernelArgs.i64(Long.parseUnsignedLong(value));
                case "f32" -> kernelArgs.f32(Float.parseFloat(value));
                default -> kernelArgs.i64(Double.doubleToRawLongBits(Double.parseDouble(value)));
            }
        } catch (NumberFormatException e) {
            throw new QvitException(where + ": '" + value + "' is not a " + type + " value");
        }
    }
}
