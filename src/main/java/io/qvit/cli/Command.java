package io.qvit.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One {@code qvit} subcommand. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The usage line after {@code qvit NAME}, for example {@code [options] MODEL}. */
    String usage();

    Options options();

    /** The options that may be given more than once (each time one more value); every other takes one value. */
    default java.util.Set<String> repeatable() {
        return java.util.Set.of();
    }

    /** Runs it; returns the process exit code (0 only on success). */
    int run(CommandLine line) throws Exception;
}
