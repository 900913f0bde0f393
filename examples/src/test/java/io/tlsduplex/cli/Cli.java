package io.tlsduplex.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the tool in-process as a user would run it, with its own standard streams. */
public final class Cli {

    /** What one run left behind. */
    public record Run(int status, String out, String err) { }

    private Cli() {
    }

    public static Run run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    public static Run run(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new Streams(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false), args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
