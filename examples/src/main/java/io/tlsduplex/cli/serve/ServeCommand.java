package io.tlsduplex.cli.serve;

import io.tlsduplex.TlsClosedException;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * {@code tls-duplex serve PORT}: a TLS server (like s6-tlsd or stunnel) whose connections all share
 * reactor-netty's event loops; per connection it echoes, runs a program, or relays to a backend.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a TLS server. Per connection: --echo sends back what it receives, --exec runs a",
                "program with the plaintext on its standard input and output (the connection ends when it",
                "exits), --forward relays to a plain TCP backend. Runs until interrupted.",
                "Prints 'listening on HOST:PORT' on standard error once it accepts connections."})
public final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on (0: any free port).")
    private String port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String bind;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Mode mode;

    static final class Mode {
        @Option(names = "--echo", required = true, description = "Send back everything received.")
        boolean echo;

        @Option(names = "--exec", required = true, arity = "1..*", paramLabel = "CMD",
                description = "Run CMD [ARGS...] per connection, plaintext on its stdin/stdout (put it last).")
        List<String> exec;

        @Option(names = "--forward", required = true, paramLabel = "HOST:PORT",
                description = "Relay the plaintext to a plain TCP backend.")
        String forward;
    }

    @Mixin
    private TlsEndOptions tls;

    /** Connections in progress, for the report of what was still open at shutdown. */
    private final java.util.Map<Long, TlsStream> open = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Integer call() {
        Streams io = main.io();
        TlsOptions options = tls.server(io);
        ConnectionHandler handler = handler();
        AtomicLong ids = new AtomicLong();
        ErrLog log = new ErrLog(io.err());
        DisposableServer server = TlsTcp.configure(TcpServer.create().host(bind).port(HostPort.port("PORT", port)))
                .handle(TlsTcp.serve(options, stream -> serveOne(ids.incrementAndGet(), stream, handler, log)))
                .bind()
                .onErrorMap(e -> new UserInputException("cannot listen on " + bind + ":" + port + ": "
                        + Failures.describe(e), e))
                .block();
        io.err().println("listening on " + new HostPort(bind, server.port()) + " (" + mode() + ")");
        // On SIGTERM/SIGINT: which connections were still open, and where each stood.
        Thread report = new Thread(() -> open.forEach((id, stream) ->
                io.err().println("#" + id + " still open at shutdown: " + stream.describe())), "open-connections");
        Runtime.getRuntime().addShutdownHook(report);
        boolean interrupted = false;
        try {
            server.onDispose().block();
        } catch (RuntimeException stop) {
            // Interrupted (tests) or the JVM shutting down: stop accepting and return. The flag is
            // cleared for the clean-up's own wait, and restored after.
            interrupted = Thread.interrupted() || stop.getCause() instanceof InterruptedException;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(report);
            server.disposeNow();
        } finally {
            log.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    private Mono<Void> serveOne(long id, TlsStream stream, ConnectionHandler handler, ErrLog log) {
        open.put(id, stream);
        return stream.handshake()
                .doOnNext(session -> log.line("#" + id + " " + Net.describe(session)))
                .flatMap(session -> handler.handle(stream))
                .doOnSuccess(done -> {
                    open.remove(id);
                    log.line("#" + id + " closed");
                })
                .onErrorResume(TlsClosedException.class, closed -> {
                    open.remove(id);
                    // TLS 1.2 has no half-close: the client's close_notify ended our output too,
                    // and the engine answers it; let that answer leave instead of cutting it off.
                    log.line("#" + id + " closed by the client: " + Failures.describe(closed));
                    return Mono.empty();
                })
                .onErrorResume(error -> {
                    open.remove(id);
                    log.line("#" + id + " failed: " + Failures.describe(error));
                    stream.dispose();
                    return Mono.empty();
                })
                // reactor-netty cancels the handler once the connection has closed: in TLS 1.2 the
                // client's close_notify ends the stream at once, while --exec may still be running.
                .doOnCancel(() -> {
                    if (open.containsKey(id)) {
                        log.line("#" + id + " closed (the connection ended before the handler)");
                    }
                })
                .doFinally(signal -> open.remove(id));
    }

    private ConnectionHandler handler() {
        if (mode.echo) {
            return new EchoHandler();
        }
        if (mode.exec != null) {
            return new ExecHandler(mode.exec);
        }
        return new ForwardHandler(HostPort.parse("--forward", mode.forward));
    }

    private String mode() {
        return mode.echo ? "echo" : mode.exec != null ? "exec " + String.join(" ", mode.exec) : "forward to " + mode.forward;
    }
}
