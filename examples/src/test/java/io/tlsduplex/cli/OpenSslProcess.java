package io.tlsduplex.cli;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code openssl s_server} or {@code s_client} process driven through its standard input (data
 * lines and the commands k, K, r, R), with its output and its handshake message log
 * ({@code -msg -msgfile}) readable while it runs. Killed by PID on close.
 */
public final class OpenSslProcess implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer out = new StringBuffer();
    private final Path msgLog;

    private OpenSslProcess(List<String> command, Path msgLog) {
        this.msgLog = msgLog;
        try {
            this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> pump(process.getInputStream()), "openssl " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code s_server} on 127.0.0.1, any free port, one connection; {@code protocol} is -tls1_3 or -tls1_2. */
    public static OpenSslProcess server(Path pem, String protocol, String... extra) {
        Path log = pem.resolve("s_server-" + System.nanoTime() + ".msg");
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", pem.resolve("server.pem").toString(), "-key", pem.resolve("server-key.pem").toString(),
                protocol, "-naccept", "1", "-msg", "-msgfile", log.toString()));
        cmd.addAll(List.of(extra));
        return new OpenSslProcess(cmd, log);
    }

    /** {@code s_client} to 127.0.0.1:{@code port}, verifying the server against ca.pem for "localhost". */
    public static OpenSslProcess client(Path pem, int port, String protocol, String... extra) {
        Path log = pem.resolve("s_client-" + System.nanoTime() + ".msg");
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", pem.resolve("ca.pem").toString(), "-verify_return_error",
                protocol, "-msg", "-msgfile", log.toString()));
        cmd.addAll(List.of(extra));
        return new OpenSslProcess(cmd, log);
    }

    /** The port s_server listens on ("ACCEPT 127.0.0.1:PORT"). */
    public int acceptPort() {
        Pattern p = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");
        int[] port = new int[1];
        Await.until("s_server's ACCEPT line", () -> {
            Matcher m = p.matcher(out);
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        }, LIMIT, this::describe);
        return port[0];
    }

    /** Sends one line: data, or a command when it is exactly k, K, r, R or Q. */
    public void line(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("openssl's stdin: " + describe(), e);
        }
    }

    /** Closes openssl's standard input. */
    public void endInput() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    public String output() {
        return out.toString();
    }

    /**
     * Lines of the message log that start with {@code direction} ("<<<" received, ">>>" sent) and
     * contain {@code message} (e.g. "KeyUpdate", "ClientHello", "HelloRequest").
     */
    public long msgCount(String direction, String message) {
        try {
            if (!Files.exists(msgLog)) {
                return 0;
            }
            return Files.readAllLines(msgLog, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.startsWith(direction) && l.contains("Handshake") && l.endsWith(message)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Alerts in the message log, e.g. ("<<<", "close_notify"). */
    public long alertCount(String direction, String alert) {
        try {
            if (!Files.exists(msgLog)) {
                return 0;
            }
            return Files.readAllLines(msgLog, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.startsWith(direction) && l.contains("Alert") && l.endsWith(alert)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void awaitMsg(String direction, String message, long count) {
        Await.until(count + " x '" + direction + " " + message + "' in openssl's message log",
                () -> msgCount(direction, message) >= count, LIMIT, this::describe);
    }

    public void awaitOutput(String text) {
        Await.until("'" + text + "' from openssl", () -> out.indexOf(text) >= 0, LIMIT, this::describe);
    }

    public int awaitExit() {
        Await.until("openssl to exit", () -> !process.isAlive(), LIMIT, this::describe);
        return process.exitValue();
    }

    public String describe() {
        String log;
        try {
            log = Files.exists(msgLog) ? String.join("\n", Files.readAllLines(msgLog, StandardCharsets.ISO_8859_1)
                    .stream().filter(l -> l.startsWith("<<<") || l.startsWith(">>>")).toList()) : "(no message log)";
        } catch (IOException e) {
            log = e.toString();
        }
        return "openssl pid " + process.pid() + " output:\n" + out + "\nmessages:\n" + log;
    }

    @Override
    public void close() {
        endInput();
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void pump(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException closed) {
            // the process ended
        }
    }
}
