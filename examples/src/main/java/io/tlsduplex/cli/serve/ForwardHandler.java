package io.tlsduplex.cli.serve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.tlsduplex.TlsStream;
import io.tlsduplex.cli.HostPort;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/**
 * Relays the plaintext to a plain TCP backend (stunnel's job): each direction on its own, and
 * each end's end-of-stream passed on as a half-close, so request/response protocols that close
 * their sending side first still get their answer.
 */
final class ForwardHandler implements ConnectionHandler {
    private final HostPort backend;

    ForwardHandler(HostPort backend) {
        this.backend = backend;
    }

    @Override
    public Mono<Void> handle(TlsStream stream) {
        return TcpClient.create().host(backend.host()).port(backend.port())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .noProxy()
                .connect()
                .flatMap(connection -> relay(stream, connection));
    }

    private static Mono<Void> relay(TlsStream stream, Connection backend) {
        TlsStream.Split halves = stream.split();
        Mono<Void> toBackend = backend.outbound().send(halves.reader().receive()).then()
                .then(Mono.fromRunnable(() -> shutdownOutput(backend)));
        Mono<Void> fromBackend = halves.writer().send(BackendInbound.of(backend))
                .then(halves.writer().finish());
        return Mono.when(toBackend, fromBackend)
                .doFinally(s -> backend.dispose());
    }

    private static void shutdownOutput(Connection backend) {
        if (backend.channel() instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        } else {
            backend.channel().close();
        }
    }
}
