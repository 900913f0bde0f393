package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.tlsduplex.netty.NettyTransport;
import io.tlsduplex.netty.TlsTcp;
import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Endpoints;
import io.tlsduplex.splitsafety.Implementation;
import io.tlsduplex.splitsafety.SplitEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The subject over reactor-netty on loopback, through the adapter's own {@link NettyTransport}: as a
 * client that connects, or as a server that accepts one connection.
 */
final class TcpSubject {
    final SplitEndpoint endpoint;
    final Connection connection;
    private final DisposableServer server;

    private TcpSubject(SplitEndpoint endpoint, Connection connection, DisposableServer server) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.server = server;
    }

    static TcpSubject connect(Implementation implementation, Cell cell, int port) {
        Connection c = TlsTcp.configure(TcpClient.create().host("127.0.0.1").port(port)).connectNow(Duration.ofSeconds(10));
        return new TcpSubject(implementation.over(new NettyTransport(c), Endpoints.subjectOptions(cell)), c, null);
    }

    /** A listening subject; {@link Listening#accepted()} completes with the subject once a peer connected. */
    static Listening listen(Implementation implementation, Cell cell) {
        CompletableFuture<TcpSubject> accepted = new CompletableFuture<>();
        DisposableServer[] server = new DisposableServer[1];
        // built here, not in the handler: making an SSLContext seeds a SecureRandom (a blocking read)
        io.tlsduplex.TlsOptions options = Endpoints.subjectOptions(cell);
        server[0] = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle((in, out) -> {
                    Connection[] c = new Connection[1];
                    in.withConnection(x -> c[0] = x);
                    try {
                        SplitEndpoint subject = implementation.over(new NettyTransport(c[0]), options);
                        accepted.complete(new TcpSubject(subject, c[0], server[0]));
                        return subject.onClose().onErrorResume(e -> Mono.empty());
                    } catch (Throwable t) {
                        accepted.completeExceptionally(t);
                        return Mono.error(t);
                    }
                })
                .bindNow(Duration.ofSeconds(10));
        return new Listening(server[0], accepted);
    }

    record Listening(DisposableServer server, CompletableFuture<TcpSubject> accepted) {
        int port() {
            return server.port();
        }

        TcpSubject await() throws Exception {
            return accepted.get(10, TimeUnit.SECONDS);
        }
    }

    /** Garbage that reaches the subject as if it came from the wire (below TLS). */
    Consumer<byte[]> towardSubject() {
        Channel ch = connection.channel();
        return bytes -> ch.eventLoop().execute(() -> {
            ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(bytes));
            ch.pipeline().fireChannelReadComplete();
        });
    }

    /** Raw bytes to the peer, between two of the subject's records (the transport keeps write order). */
    Consumer<byte[]> towardPeer() {
        Channel ch = connection.channel();
        return bytes -> ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)));
    }

    void close() {
        connection.dispose();
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }
}
