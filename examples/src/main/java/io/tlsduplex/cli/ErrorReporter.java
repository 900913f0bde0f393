package io.tlsduplex.cli;

import picocli.CommandLine;

/**
 * Turns a failed command into one clear line on stderr and a non-zero status: 2 for bad input the
 * user can fix (files, options), 1 for everything that went wrong on the way (network, TLS).
 * A stack trace only with {@code TLS_DUPLEX_DEBUG=1}, since users need the cause, not our frames.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    private final Streams io;

    ErrorReporter(Streams io) {
        this.io = io;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        String command = cli.getCommandSpec().qualifiedName();
        io.err().println(command + ": error: " + Failures.describe(ex));
        if ("1".equals(System.getenv("TLS_DUPLEX_DEBUG"))) {
            ex.printStackTrace(io.err());
        }
        return ex instanceof UserInputException ? 2 : 1;
    }
}
