package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.netty.TlsTcp;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * Both ends over loopback TCP through the adapter's reactor-netty transport: a real server socket
 * on 127.0.0.1 (any free port) whose accepted connection is handed to the hazard, and a client
 * that connects to it. The server's options are set per connection, since each hazard has its own.
 */
final class TcpLink implements DemoLink {
    private final AtomicReference<Pending> pending = new AtomicReference<>();
    private final DisposableServer server;

    private record Pending(TlsOptions options, Sinks.One<TlsStream> accepted) { }

    TcpLink() {
        this.server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle((in, out) -> {
                    Pending p = pending.getAndSet(null);
                    if (p == null) {
                        return Mono.empty(); // not ours: a stray connection is closed at once
                    }
                    return TlsTcp.serve(p.options(), tls -> {
                        p.accepted().tryEmitValue(tls);
                        return tls.onClose();
                    }).apply(in, out);
                })
                .bindNow();
    }

    @Override
    public Mono<Ends> open(TlsOptions client, TlsOptions serverOptions) {
        return Mono.defer(() -> {
            Pending p = new Pending(serverOptions, Sinks.one());
            pending.set(p);
            return TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), client)
                    .zipWith(p.accepted().asMono(), Ends::new);
        });
    }

    @Override
    public String describe() {
        return "loopback TCP 127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
