package io.tlsduplex.cli.logs;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.cli.Failures;
import io.tlsduplex.cli.HostPort;
import io.tlsduplex.cli.Main;
import io.tlsduplex.cli.Net;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.cli.UserInputException;
import io.tlsduplex.cli.io.BlockingThread;
import io.tlsduplex.cli.tls.TlsEndOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code tls-duplex log-follow HOST:PORT}: the other end of log-fanout. Connects with a client
 * certificate, writes each line it receives as a datagram to a local syslog address, and
 * reconnects with exponential backoff for ever, until interrupted.
 */
@Command(name = "log-follow", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connects to a log-fanout server with a client certificate (TLS 1.3) and sends each line it",
                "receives as a syslog datagram to --to. Reconnects with backoff (--min-backoff doubling up to",
                "--max-backoff, reset after a session that delivered lines) until interrupted."})
public final class LogFollowCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The log-fanout server.")
    private String target;

    @Option(names = "--to", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:514",
            description = "The local syslog address the lines go to, UDP (default: ${DEFAULT-VALUE}).")
    private String to;

    @Option(names = "--min-backoff", paramLabel = "SECONDS", defaultValue = "0.5",
            description = "First wait before reconnecting (default: ${DEFAULT-VALUE}).")
    private double minBackoff;

    @Option(names = "--max-backoff", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest wait before reconnecting (default: ${DEFAULT-VALUE}).")
    private double maxBackoff;

    @Mixin
    private TlsEndOptions tls;

    @Override
    public Integer call() throws IOException {
        Streams io = main.io();
        if (!(minBackoff > 0) || maxBackoff < minBackoff) {
            throw new UserInputException("need 0 < --min-backoff <= --max-backoff");
        }
        tls.requireTls13("log-fanout speaks TLS 1.3 only");
        HostPort server = HostPort.parse("HOST:PORT", target);
        HostPort syslog = HostPort.parse("--to", to);
        TlsOptions options = tls.client(server.host(), io);
        InetSocketAddress destination = new InetSocketAddress(syslog.host(), syslog.port());
        Scheduler udpThread = BlockingThread.named("syslog-out");
        try (DatagramSocket socket = new DatagramSocket()) {
            long delayMillis = (long) (minBackoff * 1000);
            while (!Thread.currentThread().isInterrupted()) {
                AtomicLong delivered = new AtomicLong();
                try {
                    followOnce(server, options, socket, destination, udpThread, delivered, io);
                    io.err().println("log-follow: " + server + " closed the session after " + delivered.get() + " lines");
                } catch (RuntimeException e) {
                    if (interrupted(e)) {
                        break;
                    }
                    io.err().println("log-follow: " + Failures.describe(e) + " (after " + delivered.get() + " lines)");
                }
                if (delivered.get() > 0) {
                    delayMillis = (long) (minBackoff * 1000);
                }
                io.err().println("log-follow: reconnecting in " + delayMillis + " ms");
                try {
                    Thread.sleep(delayMillis); // the backoff itself, on the command's own thread
                } catch (InterruptedException e) {
                    break;
                }
                delayMillis = Math.min(delayMillis * 2, (long) (maxBackoff * 1000));
            }
            return 0;
        } finally {
            udpThread.dispose();
        }
    }

    private void followOnce(HostPort server, TlsOptions options, DatagramSocket socket, InetSocketAddress destination,
                            Scheduler udpThread, AtomicLong delivered, Streams io) {
        Net.Connected connected = Net.connect(server, options, Duration.ofSeconds(10)).block();
        TlsStream stream = connected.stream();
        try {
            io.err().println("log-follow: connected to " + server + ": " + Net.describe(connected.session()));
            LineSplitter splitter = new LineSplitter();
            stream.reader().receive()
                    .concatMapIterable(b -> {
                        try {
                            return splitter.accept(b);
                        } finally {
                            b.release();
                        }
                    })
                    .publishOn(udpThread)
                    .doOnNext(line -> {
                        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                        try {
                            socket.send(new DatagramPacket(bytes, bytes.length, destination));
                            delivered.incrementAndGet();
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot send to syslog at " + destination + ": " + e.getMessage(), e);
                        }
                    })
                    .then()
                    .block();
        } finally {
            stream.dispose();
        }
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }
}
