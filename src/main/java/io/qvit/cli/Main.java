package io.qvit.cli;

import io.qvit.QvitException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit COMMAND [options]}. Exit codes: 0 success, 1 the command ran and failed (for example
 * unreadable images), 2 bad usage or input (the message says what to do), 3 an internal error.
 */
public final class Main {
    static final int OK = 0, FAILED = 1, USAGE = 2, INTERNAL = 3;

    private final Map<String, Command> commands = new LinkedHashMap<>();

    Main() {
        for (Command c : new Command[] {new DemoCommand(), new InfoCommand(), new PredictCommand(), new ConvertCommand(), new BenchCommand(), new MetricsCommand(), new StudyCommand(), new EmuCommand()})
            commands.put(c.name(), c);
    }

    /** The commands, in the order {@code qvit --help} lists them. */
    Iterable<Command> commands() {
        return commands.values();
    }

    public static void main(String[] args) {
        System.exit(new Main().run(args));
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printCommands();
            return args.length == 0 ? USAGE : OK;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            System.err.println("qvit: unknown command '" + args[0] + "'; commands: " + String.join(", ", commands.keySet())
                    + " (qvit --help)");
            return USAGE;
        }
        Options options = c.options();
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        // before parsing, so that --help works without the command's required options
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            printHelp(c, options);
            return OK;
        }
        try {
            return c.run(new DefaultParser().parse(options, rest));
        } catch (MissingOptionException e) {
            List<String> names = new ArrayList<>();
            for (Object o : e.getMissingOptions()) names.add("--" + options.getOption(o.toString()).getLongOpt());
            System.err.println("qvit " + c.name() + ": missing " + String.join(", ", names) + " (qvit " + c.name() + " --help)");
            return USAGE;
        } catch (ParseException e) {
            System.err.println("qvit " + c.name() + ": " + e.getMessage() + " (qvit " + c.name() + " --help)");
            return USAGE;
        } catch (QvitException e) {
            System.err.println("qvit " + c.name() + ": error: " + e.getMessage());
            return USAGE;
        } catch (OutOfMemoryError e) {
            System.err.println("qvit " + c.name() + ": out of Java heap memory; use a smaller --batch or raise the heap"
                    + " (QVIT_JAVA_OPTS=-Xmx16g ./qvit ...)");
            return FAILED;
        } catch (Exception e) {
            System.err.println("qvit " + c.name() + ": internal error (a bug; please report it with this trace): " + e);
            e.printStackTrace();
            return INTERNAL;
        }
    }

    private void printCommands() {
        System.out.println("usage: qvit COMMAND [options]   (qvit COMMAND --help for its options)");
        System.out.println();
        for (Command c : commands.values()) System.out.printf("  %-8s %s%n", c.name(), c.summary());
    }

    private static void printHelp(Command c, Options options) {
        PrintWriter out = new PrintWriter(System.out, true);
        new HelpFormatter().printHelp(out, 100, "qvit " + c.name() + " " + c.usage(), c.summary(), options, 2, 2, "", false);
    }
}
