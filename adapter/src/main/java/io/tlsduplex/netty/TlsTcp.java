package io.tlsduplex.netty;

import io.netty.channel.ChannelOption;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * tls-duplex over reactor-netty TCP: client connections, server connections, and STARTTLS
 * upgrades of an existing connection.
 *
 * <pre>{@code
 * DisposableServer server = TlsTcp.configure(TcpServer.create().port(8443))
 *         .handle(TlsTcp.serve(serverOptions, tls -> tls.writer().send(tls.reader().receive())
 *                                                     .then(tls.writer().finish())))
 *         .bindNow();
 * Mono<TlsStream> client = TlsTcp.connect(TcpClient.create().port(8443), clientOptions);
 * }</pre>
 */
public final class TlsTcp {
    private TlsTcp() {
    }

    /**
     * Connects and puts TLS on the connection; the handshake starts at once (await
     * {@link TlsStream#handshake()} if you need it done). Half-closure is turned on so that the
     * peer's shutdown of its output does not close ours.
     */
    public static Mono<TlsStream> connect(TcpClient client, TlsOptions options) {
        return configure(client).connect().map(connection -> upgrade(connection, options));
    }

    /**
     * A handler for {@link TcpServer#handle}: each connection becomes a {@link TlsStream} given to
     * {@code handler}. The connection lives until the handler's publisher has completed and the
     * TLS stream has closed (finish the write half and let the peer close, or dispose the stream);
     * an error from the handler disposes the stream.
     */
    public static BiFunction<NettyInbound, NettyOutbound, Publisher<Void>> serve(
            TlsOptions options, Function<TlsStream, ? extends Publisher<Void>> handler) {
        return (inbound, outbound) -> {
            Connection[] connection = new Connection[1];
            inbound.withConnection(c -> connection[0] = c);
            TlsStream tls = upgrade(connection[0], options);
            // Wait for the channel itself to close, not only for the stream to ask for it: the
            // stream's last writes (close_notify, or the alert after a failed handshake) are queued
            // ahead of its close on the event loop, and reactor-netty closes the connection as
            // soon as this publisher ends.
            Mono<Void> channelClosed = connection[0].onDispose();
            return Mono.fromDirect(handler.apply(tls))
                    .onErrorResume(error -> {
                        tls.dispose();
                        return channelClosed.then(Mono.error(error));
                    })
                    .then(tls.onClose())
                    .then(channelClosed);
        };
    }

    /**
     * STARTTLS: puts TLS on an existing connection from now on. Ciphertext is taken right before
     * reactor-netty's bridge, so reactor-netty's own inbound sees nothing more. Bytes a plaintext
     * reader already took are not seen: finish the plaintext phase in lockstep (the server upgrades
     * before it sends its go-ahead; the client upgrades after it read it). See StartTlsTest.
     */
    public static TlsStream upgrade(Connection connection, TlsOptions options) {
        return TlsStream.over(new NettyTransport(connection), options);
    }

    /** Turns half-closure on (EOF from the peer leaves our output open: TLS 1.3 half-close, EOF mode). */
    public static TcpClient configure(TcpClient client) {
        return client.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /** Turns half-closure on for accepted connections. */
    public static TcpServer configure(TcpServer server) {
        return server.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }
}
