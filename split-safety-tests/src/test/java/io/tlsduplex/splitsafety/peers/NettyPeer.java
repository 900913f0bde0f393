package io.tlsduplex.splitsafety.peers;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.netty.TlsTcp;
import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Event;
import io.tlsduplex.splitsafety.Implementation;
import io.tlsduplex.splitsafety.Peer;
import io.tlsduplex.splitsafety.Role;
import io.tlsduplex.splitsafety.Wiring;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/** reactor-netty's {@code secure()} (Netty's SslHandler) on loopback as the peer, with the JDK or OpenSSL engine. */
public final class NettyPeer implements Peer {
    private final SslProvider provider;

    public NettyPeer(SslProvider provider) {
        this.provider = provider;
    }

    @Override
    public String name() {
        return "Netty SslHandler (" + provider + ")";
    }

    /**
     * No: on our close_notify reactor-netty's {@code secure()} connection answers with its own and closes
     * the channel (seen: engine inbound and outbound done, channel inactive, the peer's send cut short).
     */
    @Override
    public boolean halfCloses() {
        return false;
    }

    /**
     * Not with OpenSSL: once the SslHandler has sent its close_notify, the OpenSSL engine answers every
     * unwrap with CLOSED, which the handler takes for the peer's close_notify: it closes the channel and
     * drops what we still send (seen: "what the peer received" short, our writes failing with a broken pipe).
     */
    @Override
    public boolean readsAfterItsCloseNotify() {
        return provider != SslProvider.OPENSSL;
    }

    @Override
    public boolean supports(Event event, Role role) {
        // A KeyUpdate without update_requested cannot be asked of the SslHandler; our EOF without
        // close_notify is a truncation the SslHandler reports as an error (it has no allowTruncation)
        if (event == Event.PEER_KEY_UPDATE_NOT_REQUESTED || event == Event.WE_CLOSE_FIRST_EOF) {
            return false;
        }
        if (provider == SslProvider.OPENSSL) {
            // BoringSSL through netty-tcnative: no KeyUpdate or renegotiation on demand, and it refuses both
            // kinds of renegotiation from the other side
            return switch (event) {
                case PEER_KEY_UPDATE_REQUESTED, PEER_KEY_UPDATE_BURST, SERVER_RENEGOTIATION, CLIENT_RENEGOTIATION,
                     CLIENT_RENEGOTIATION_REFUSED -> false;
                default -> true;
            };
        }
        return true;
    }

    @Override
    public Wiring connect(Implementation implementation, Cell cell) throws Exception {
        if (cell.role() == Role.CLIENT) {
            CompletableFuture<Connection> accepted = new CompletableFuture<>();
            DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                    .secure(spec -> spec.sslContext(TestPki.shared().nettyServerContext(provider)))
                    .handle((in, out) -> {
                        in.withConnection(accepted::complete);
                        return Mono.never();
                    })
                    .bindNow(Duration.ofSeconds(10));
            TcpSubject subject = TcpSubject.connect(implementation, cell, server.port());
            NettyEndpoint peer = new NettyEndpoint(accepted.get(10, TimeUnit.SECONDS));
            return new Wiring(subject.endpoint, peer, subject.towardSubject(), subject.towardPeer(), () -> {
                subject.close();
                server.disposeNow(Duration.ofSeconds(5));
            });
        }
        TcpSubject.Listening listening = TcpSubject.listen(implementation, cell);
        Connection c = TlsTcp.configure(TcpClient.create().host("127.0.0.1").port(listening.port()))
                .secure(spec -> spec.sslContext(TestPki.shared().nettyClientContext(provider)))
                .connectNow(Duration.ofSeconds(10));
        NettyEndpoint peer = new NettyEndpoint(c);
        TcpSubject subject = listening.await();
        return new Wiring(subject.endpoint, peer, subject.towardSubject(), subject.towardPeer(), subject::close);
    }
}
