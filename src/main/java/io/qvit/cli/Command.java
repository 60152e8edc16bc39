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

    /** Runs it; returns the process exit code (0 only on success). */
    int run(CommandLine line) throws Exception;
}
