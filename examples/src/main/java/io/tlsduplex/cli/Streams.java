package io.tlsduplex.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The standard streams a command uses. {@link Main} passes the process's own; tests pass their
 * own so that a subcommand can run in-process, exactly as a user would run it, without touching
 * {@code System.in/out/err}.
 *
 * @param in  what {@code connect} sends and {@code serve --exec} never sees
 * @param out data (connect) and reports (demo, fetch)
 * @param err diagnostics: warnings, errors, progress of long operations
 * @param terminal whether {@code out} is an interactive terminal (progress lines only then)
 */
public record Streams(InputStream in, PrintStream out, PrintStream err, boolean terminal) {

    /** The same streams with warnings (stderr) dropped: for options built once per connection. */
    public static Streams quiet(Streams io) {
        return new Streams(io.in(), io.out(), new PrintStream(java.io.OutputStream.nullOutputStream()), io.terminal());
    }

    public static Streams system() {
        return new Streams(System.in, System.out, System.err, System.console() != null);
    }
}
