package io.tlsduplex.cli.logs;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.cli.Failures;
import io.tlsduplex.cli.HostPort;
import io.tlsduplex.cli.Main;
import io.tlsduplex.cli.Net;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.cli.UserInputException;
import io.tlsduplex.cli.io.ErrLog;
import io.tlsduplex.cli.tls.TlsEndOptions;
import io.tlsduplex.netty.TlsTcp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpServer;

/**
 * {@code tls-duplex log-fanout}: the seed syslog relay. Syslog datagrams in on UDP, each line out
 * to every connected mutual-TLS client (TLS 1.3 only, client certificate issuer checked). Every
 * client has its own bounded queue, so a slow client never holds up the others.
 */
@Command(name = "log-fanout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Receives syslog datagrams on --udp and sends each line to every connected client of the",
                "TLS port --port. TLS 1.3 and mutual TLS only: clients need a certificate issued by",
                "--client-issuer. Each client has a queue of --queue lines; when it is full, --overflow",
                "drop_oldest drops the oldest line and tells the client how many were dropped, disconnect",
                "closes that client. Prints 'listening on ...' on standard error; runs until interrupted."})
public final class LogFanoutCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Option(names = "--udp", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5514",
            description = "Where syslog datagrams arrive (default: ${DEFAULT-VALUE}).")
    private String udp;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6514",
            description = "The TLS port clients connect to (default: ${DEFAULT-VALUE}; 0: any free port).")
    private String port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address of the TLS port (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--queue", paramLabel = "LINES", defaultValue = "10000",
            description = "Lines queued per client before the overflow policy applies (default: ${DEFAULT-VALUE}).")
    private int queue;

    @Option(names = "--overflow", paramLabel = "drop_oldest|disconnect", defaultValue = "drop_oldest",
            description = "What a full queue does (default: ${DEFAULT-VALUE}).")
    private ClientFeed.Overflow overflow;

    @Mixin
    private TlsEndOptions tls;

    private final Set<ClientFeed> clients = new CopyOnWriteArraySet<>();
    /** Every joined client's stream, to close them cleanly when the relay stops. */
    private final Map<ClientFeed, TlsStream> sessions = new ConcurrentHashMap<>();
    private final AtomicLong lines = new AtomicLong();

    @Override
    public Integer call() {
        Streams io = main.io();
        if (!tls.hasClientIssuer()) {
            throw new UserInputException("log-fanout needs --client-issuer DN (and --ca): only known clients get the logs");
        }
        if (queue < 1) {
            throw new UserInputException("--queue must be at least 1");
        }
        tls.requireTls13("log-fanout speaks TLS 1.3 only");
        TlsOptions options = tls.server(io);
        HostPort udpAddress = HostPort.parse("--udp", udp);
        AtomicLong ids = new AtomicLong();
        ErrLog log = new ErrLog(io.err());
        // A small kernel send buffer per client: a slow client's backlog then waits in its counted
        // queue, under the overflow policy, instead of megabytes of it hiding in the kernel.
        DisposableServer tlsServer = TlsTcp.configure(TcpServer.create().host(bind).port(HostPort.port("--port", port))
                        .childOption(ChannelOption.SO_SNDBUF, 64 * 1024))
                .handle(TlsTcp.serve(options, stream -> serveClient(ids.incrementAndGet(), stream, log)))
                .bind()
                .onErrorMap(e -> new UserInputException("cannot listen on " + bind + ":" + port + ": " + Failures.describe(e), e))
                .block();
        Connection udpServer;
        try {
            // A roomy socket buffer: syslog comes in bursts, and the kernel drops what does not fit.
            udpServer = UdpServer.create().host(udpAddress.host()).port(udpAddress.port())
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    // a syslog datagram may be up to 64 KiB; Netty's default cuts it at 2 KiB
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                    .handle((in, out) -> in.receive().doOnNext(this::onDatagram).then())
                    .bind()
                    .onErrorMap(e -> new UserInputException("cannot listen on udp " + udpAddress + ": " + Failures.describe(e), e))
                    .block();
        } catch (RuntimeException e) {
            tlsServer.disposeNow();
            log.close();
            throw e;
        }
        io.err().println("listening on " + new HostPort(bind, tlsServer.port()) + " (tls), udp "
                + udpServer.address());
        boolean interrupted = false;
        try {
            tlsServer.onDispose().block();
        } catch (RuntimeException stop) {
            // Interrupted (tests) or the JVM shutting down. Clear the flag for the clean-up's own
            // waits, and restore it after.
            interrupted = Thread.interrupted() || stop.getCause() instanceof InterruptedException;
        }
        try {
            udpServer.disposeNow();
            closeSessions();
            tlsServer.disposeNow();
        } finally {
            log.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    /** Each client gets what is queued for it, then close_notify; the ones that do not close in time are cut. */
    private void closeSessions() {
        sessions.keySet().forEach(ClientFeed::close);
        Flux.fromIterable(sessions.values())
                .flatMap(TlsStream::onClose)
                .then()
                .timeout(Duration.ofSeconds(3))
                .onErrorResume(slow -> Mono.empty())
                .block();
        sessions.values().forEach(TlsStream::dispose);
    }

    private void onDatagram(ByteBuf datagram) {
        // reactor-netty owns (and releases) the datagram; the text is copied out here
        String text = datagram.toString(StandardCharsets.UTF_8);
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            lines.incrementAndGet();
            for (ClientFeed feed : clients) {
                if (!feed.offer(line)) {
                    clients.remove(feed);
                }
            }
        }
    }

    private Mono<Void> serveClient(long id, TlsStream stream, ErrLog log) {
        ClientFeed feed = new ClientFeed(queue, overflow);
        return stream.handshake()
                .flatMap(session -> {
                    log.line("client #" + id + " joined: " + Net.describe(session));
                    clients.add(feed);
                    sessions.put(feed, stream);
                    TlsStream.Split halves = stream.split();
                    Mono<Void> send = halves.writer().send(feed.lines())
                            .then(halves.writer().finish())
                            .then(stream.onClose());
                    // Clients send nothing; their close ends the session.
                    Mono<Void> read = halves.reader().receive().doOnNext(ByteBuf::release).then();
                    return Mono.firstWithSignal(send, read);
                })
                .doOnSuccess(done -> log.line("client #" + id + " left: " + feed.sent() + " lines sent, "
                        + feed.dropped() + " dropped"))
                .onErrorResume(error -> {
                    log.line((feed.sent() == 0 && !clients.contains(feed) ? "client #" + id + " refused: "
                            : "client #" + id + " dropped: ") + Failures.describe(error)
                            + " (" + feed.sent() + " lines sent, " + feed.dropped() + " dropped)");
                    return Mono.empty();
                })
                .doFinally(s -> {
                    clients.remove(feed);
                    sessions.remove(feed);
                    stream.dispose();
                });
    }
}
