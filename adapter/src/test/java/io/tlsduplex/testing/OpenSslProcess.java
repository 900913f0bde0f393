package io.tlsduplex.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code openssl s_server} or {@code s_client} process driven through its standard input (data
 * and the commands k, K, r, R, Q), with its output and its handshake message log
 * ({@code -msg -msgfile}, see {@link OpenSslMessageLog}) readable while it runs. Killed by PID on
 * close. A command is obeyed only when it is the first thing of one read of openssl's stdin: the
 * caller waits for a sign that the previous input was consumed before it writes one.
 */
public final class OpenSslProcess implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** How much of the standard output {@link #output()} keeps (a sink gets all of it). */
    private static final int OUTPUT_KEPT = 1 << 20;
    private static final Path STDBUF = Path.of("/usr/bin/stdbuf");
    private static volatile String version;

    /** Receives openssl's standard output as it comes (on the process's reader thread). */
    public interface OutputSink {
        void bytes(byte[] buffer, int length);

        /** The output ended (the process closed it or exited). */
        void end();
    }

    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final OpenSslMessageLog messages;

    private OpenSslProcess(List<String> command, Path msgLog, OutputSink stdoutSink) {
        requireInstalled();
        this.messages = new OpenSslMessageLog(msgLog);
        try {
            this.process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        this.stdin = process.getOutputStream();
        OutputSink toText = new OutputSink() {
            @Override
            public void bytes(byte[] buffer, int length) {
                if (out.length() < OUTPUT_KEPT) {
                    out.append(new String(buffer, 0, length, StandardCharsets.ISO_8859_1));
                }
                if (stdoutSink != null) {
                    stdoutSink.bytes(buffer, length);
                }
            }

            @Override
            public void end() {
                if (stdoutSink != null) {
                    stdoutSink.end();
                }
            }
        };
        reader(process.getInputStream(), toText, "stdout");
        reader(process.getErrorStream(), new OutputSink() {
            @Override
            public void bytes(byte[] buffer, int length) {
                String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
                err.append(text);
                if (stdoutSink == null && out.length() < OUTPUT_KEPT) {
                    out.append(text); // one view of everything openssl said, as a terminal shows it
                }
            }

            @Override
            public void end() {
            }
        }, "stderr");
    }

    /**
     * Fails (not skips) when no {@code openssl} command can be run: the openssl interop tests are part of
     * the build ({@code .ci/run} installs openssl when it is absent).
     */
    public static String requireInstalled() {
        if (version == null) {
            try {
                Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
                String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).trim();
                if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new AssertionError("`openssl version` failed: " + v);
                }
                version = v;
            } catch (IOException e) {
                throw new AssertionError("the openssl command is not installed (these interop tests need it; "
                        + "install the distribution's openssl package, as .ci/run does): " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running `openssl version`", e);
            }
        }
        return version;
    }

    /** {@code s_server} on 127.0.0.1, any free port, one connection; {@code protocol} is -tls1_3 or -tls1_2. */
    public static OpenSslProcess server(Path pem, String protocol, String... extra) {
        return server(pem, null, protocol, extra);
    }

    /** As {@link #server(Path, String, String...)}, its standard output going to {@code stdout} rather than {@link #output()}. */
    public static OpenSslProcess server(Path pem, OutputSink stdout, String protocol, String... extra) {
        Path log = pem.resolve("s_server-" + System.nanoTime() + ".msg");
        List<String> cmd = new ArrayList<>(unbuffered());
        cmd.addAll(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", pem.resolve("server.pem").toString(), "-key", pem.resolve("server-key.pem").toString(),
                protocol, "-naccept", "1", "-msg", "-msgfile", log.toString()));
        cmd.addAll(List.of(extra));
        return new OpenSslProcess(cmd, log, stdout);
    }

    /** {@code s_client} to 127.0.0.1:{@code port}, verifying the server against ca.pem for "localhost". */
    public static OpenSslProcess client(Path pem, int port, String protocol, String... extra) {
        return client(pem, null, port, protocol, extra);
    }

    /** As {@link #client(Path, int, String, String...)}, its standard output going to {@code stdout}. */
    public static OpenSslProcess client(Path pem, OutputSink stdout, int port, String protocol, String... extra) {
        Path log = pem.resolve("s_client-" + System.nanoTime() + ".msg");
        List<String> cmd = new ArrayList<>(unbuffered());
        cmd.addAll(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", pem.resolve("ca.pem").toString(), "-verify_return_error",
                protocol, "-msg", "-msgfile", log.toString()));
        cmd.addAll(List.of(extra));
        return new OpenSslProcess(cmd, log, stdout);
    }

    /**
     * coreutils' stdbuf, when present, makes openssl's stdio unbuffered: a status message (say, the
     * session a TLS 1.3 ticket brought) then reaches the pipe in one piece, never split by the data
     * openssl writes to the same output with write(2) while the message waits in a full stdio buffer.
     */
    private static List<String> unbuffered() {
        return Files.isExecutable(STDBUF) ? List.of(STDBUF.toString(), "-o0", "-e0") : List.of();
    }

    /** The port s_server listens on (its "ACCEPT 127.0.0.1:PORT" line). */
    public int acceptPort() {
        Pattern p = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");
        int[] port = new int[1];
        until("s_server's ACCEPT line", () -> {
            Matcher m = p.matcher(out.toString() + err);
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }

    /** Sends one line: data, or a command when it is exactly k, K, r, R or Q. */
    public void line(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
    }

    /** Writes to openssl's standard input (one write, flushed). */
    public synchronized void write(byte[] bytes, int offset, int length) {
        try {
            stdin.write(bytes, offset, length);
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("openssl's stdin: " + describe(), e);
        }
    }

    /** Closes openssl's standard input (end of input: s_client sends close_notify and exits). */
    public void endInput() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * What openssl wrote: its standard output (the first MiB) and, when no sink takes the standard
     * output, its standard error too, as a terminal shows them.
     */
    public String output() {
        return out.toString();
    }

    /** What openssl wrote to its standard error. */
    public String errors() {
        return err.toString();
    }

    public OpenSslMessageLog messages() {
        return messages;
    }

    /**
     * Handshake messages in the message log with {@code direction} ("<<<" received, ">>>" sent), e.g.
     * ("<<<", "KeyUpdate"), (">>>", "HelloRequest").
     */
    public long msgCount(String direction, String message) {
        return messages.handshakes(direction, message);
    }

    /** Alerts in the message log, e.g. ("<<<", "close_notify"). */
    public long alertCount(String direction, String alert) {
        return messages.alerts(direction, alert);
    }

    public void awaitMsg(String direction, String message, long count) {
        until(count + " x '" + direction + " " + message + "' in openssl's message log",
                () -> msgCount(direction, message) >= count);
    }

    public void awaitOutput(String text) {
        until("'" + text + "' from openssl", () -> out.indexOf(text) >= 0);
    }

    public int awaitExit() {
        until("openssl to exit", () -> !process.isAlive());
        return process.exitValue();
    }

    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String describe() {
        return "openssl pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\nstandard error:\n" + err + "\noutput (kept part):\n" + tail(out.toString(), 4000)
                + "\nmessages:\n" + messages.describe();
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    /** Waits for an observable condition; the limit only turns a hang into a failure that says what was seen. */
    private void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIMIT + ": " + what + "\n" + describe());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    @Override
    public void close() {
        endInput();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void reader(InputStream in, OutputSink sink, String which) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    sink.bytes(buf, n);
                }
            } catch (IOException closed) {
                // the process ended
            } finally {
                sink.end();
            }
        }, "openssl " + process.pid() + " " + which);
        t.setDaemon(true);
        t.start();
    }
}
