package io.tlsduplex.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Runs a command that must end by itself within {@code limit} (a hang fails with both streams shown). */
    public static Run runWithin(Duration limit, InputStream in, String... args) {
        try (Running running = new Running(in, args)) {
            int status = running.awaitExit(limit);
            return new Run(status, running.out(), running.err());
        }
    }

    /** Starts a command on its own thread (a server, or a client the test talks to while it runs). */
    public static Running start(InputStream in, String... args) {
        return new Running(in, args);
    }

    /** A command in progress. */
    public static final class Running implements AutoCloseable {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private final Thread thread;
        private final String command;

        Running(InputStream in, String... args) {
            this.command = String.join(" ", args);
            Streams io = new Streams(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false);
            this.thread = new Thread(() -> {
                try {
                    status.complete(Main.execute(io, args));
                } catch (Throwable t) {
                    status.completeExceptionally(t);
                }
            }, "cli " + args[0]);
            thread.setDaemon(true);
            thread.start();
        }

        public String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        public String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        public boolean exited() {
            return status.isDone();
        }

        /** Waits until standard error matches {@code regex}; returns its first group (or the whole match). */
        public String awaitErr(String regex, Duration limit) {
            Pattern p = Pattern.compile(regex);
            String[] found = new String[1];
            Await.until("'" + regex + "' on stderr of " + command, () -> {
                Matcher m = p.matcher(err());
                if (m.find()) {
                    found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
                    return true;
                }
                if (exited()) {
                    throw new AssertionError(command + " exited before '" + regex + "':\n" + describe());
                }
                return false;
            }, limit, this::describe);
            return found[0];
        }

        public void awaitOut(String text, Duration limit) {
            Await.until("'" + text + "' on stdout of " + command, () -> out().contains(text), limit, this::describe);
        }

        /** The port of a server that printed 'listening on HOST:PORT'. */
        public int listeningPort() {
            return Integer.parseInt(awaitErr("listening on [^ ]+:(\\d+)", Duration.ofSeconds(20)));
        }

        public int awaitExit(Duration limit) {
            try {
                return status.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(command + " did not exit within " + limit + "\n" + describe());
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(command + " failed: " + e, e);
            }
        }

        public String describe() {
            return "stdout:\n" + out() + "\nstderr:\n" + err();
        }

        /** Interrupts the command (how a server is stopped) and waits for it. */
        @Override
        public void close() {
            thread.interrupt();
            try {
                status.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new AssertionError(command + " did not stop when interrupted\n" + describe(), e);
            }
        }
    }
}
