package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.emu.KernelRun;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit emu}: runs one kernel of a PTX file on the PTX emulator with buffers from and to
 * {@code .npy} files, and prints the sanitizer findings and the launch's profile. Exit code 1 when a
 * sanitizer found something.
 */
final class EmuCommand implements Command {
    @Override
    public String name() {
        return "emu";
    }

    @Override
    public String summary() {
        return "run one PTX kernel on the emulator (with memcheck, initcheck, racecheck) on .npy buffers";
    }

    @Override
    public String usage() {
        return "--ptx FILE.ptx --kernel NAME --grid X[,Y,Z] --block X[,Y,Z] [--smem BYTES] --arg NAME=SPEC ... --out DIR";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("ptx").hasArg().argName("FILE.ptx").required().desc("the PTX file (nvcc -ptx output)").build());
        o.addOption(Option.builder().longOpt("kernel").hasArg().argName("NAME").required().desc("the .entry to launch").build());
        o.addOption(Option.builder().longOpt("grid").hasArg().argName("X[,Y,Z]").required().desc("blocks per grid").build());
        o.addOption(Option.builder().longOpt("block").hasArg().argName("X[,Y,Z]").required().desc("threads per block").build());
        o.addOption(Option.builder().longOpt("smem").hasArg().argName("BYTES")
                .desc("dynamic shared memory per block (default 0; above 48 KiB the kernel is opted in, up to 227 KiB)").build());
        o.addOption(Option.builder().longOpt("arg").hasArg().argName("NAME=SPEC")
                .desc("one argument, in the kernel's parameter order (repeat the option): NAME=FILE.npy (a buffer with the file's data),"
                        + " NAME=TYPE[N] (a buffer of N elements nothing wrote; TYPE f32 f64 i32 i64), or NAME=TYPE:VALUE"
                        + " (a scalar; TYPE i32 u32 i64 u64 f32 f64). Buffers are written back to DIR/NAME.npy").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").required().desc("folder for the buffers after the launch").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("CPU threads the blocks are spread over, 1 to " + CliOptions.MAX_THREADS + " (default: all cores)").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws Exception {
        if (!line.getArgList().isEmpty()) throw new ParseException("unexpected arguments " + line.getArgList() + "; give arguments with --arg");
        Path ptx = CliOptions.existingFile(line, "ptx");
        Dim3 grid = dim3(line, "grid"), block = dim3(line, "block");
        int smem = CliOptions.intInRange(line, "smem", 0, 0, 227 * 1024);
        int threads = CliOptions.intInRange(line, "threads", Runtime.getRuntime().availableProcessors(), 1, CliOptions.MAX_THREADS);
        Path out = CliOptions.outputFolder(line, "out");
        String[] values = line.getOptionValues("arg");
        List<String> args = values == null ? List.of() : Arrays.asList(values);
        KernelRun.Result r = KernelRun.run(ptx, line.getOptionValue("kernel"), grid, block, smem, args, out, threads);
        for (var f : r.findings()) System.out.println(f);
        System.out.print(r.profile());
        for (Path p : r.written()) System.out.println("wrote " + p);
        if (!r.findings().isEmpty()) {
            System.err.println("qvit emu: the sanitizers reported " + r.findings().size() + " finding(s) (the first per block); no buffers written");
            return Main.FAILED;
        }
        return Main.OK;
    }

    /** X, X,Y or X,Y,Z: positive whole numbers. */
    private static Dim3 dim3(CommandLine line, String option) {
        String v = line.getOptionValue(option);
        String[] parts = v.split(",", -1);
        if (parts.length > 3) throw new QvitException("--" + option + " " + v + ": give X, X,Y or X,Y,Z");
        int[] e = {1, 1, 1};
        for (int i = 0; i < parts.length; i++) {
            try {
                e[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException ex) {
                e[i] = 0;
            }
            if (e[i] < 1) throw new QvitException("--" + option + " " + v + ": '" + parts[i] + "' is not a positive whole number");
        }
        return new Dim3(e[0], e[1], e[2]);
    }
}
