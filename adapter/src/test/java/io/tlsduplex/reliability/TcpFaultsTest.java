package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.tlsduplex.CloseMode;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.TlsStreamException;
import io.tlsduplex.TlsTransportException;
import io.tlsduplex.TlsTruncationException;
import io.tlsduplex.netty.TlsTcp;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The in-memory faults again on real loopback sockets, with a {@link TcpRelay} between a TlsTcp
 * client and a TlsTcp server: the kernel's RST and FIN instead of injected errors.
 */
class TcpFaultsTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private DisposableServer server;
    private TcpRelay relay;
    private TlsStream client;
    private TlsStream serverStream;
    private Ends clientEnds;
    private Ends serverEnds;

    @AfterEach
    void closeEverythingAndNoThreadLeftWaiting() {
        if (client != null) {
            client.dispose();
        }
        if (serverStream != null) {
            serverStream.dispose();
        }
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.disposeNow();
        }
        assertThat(Threads.blockedInAdapter()).isEmpty();
    }

    private void connect(TlsOptions clientOptions, TlsOptions serverOptions, Relay.Rule rule) throws IOException {
        Sinks.One<TlsStream> accepted = Sinks.one();
        server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(serverOptions, tls -> {
                    serverEnds = Ends.watch(tls);
                    accepted.tryEmitValue(tls);
                    return tls.onClose();
                }))
                .bindNow();
        relay = new TcpRelay(server.port()).rule(rule);
        client = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(relay.port()), clientOptions)
                .block(BOUND);
        clientEnds = Ends.watch(client);
        serverStream = Hang.await(accepted.asMono(), BOUND, () -> "the server accepted no connection");
    }

    private void awaitHandshakes() {
        Hang.await(client.handshake().then(serverStream.handshake()), BOUND,
                () -> "client " + client.describe() + "\nserver " + serverStream.describe());
    }

    /**
     * Over TCP a RST ends the stream as a transport error when it hits a pending read, and as an
     * EOF without close_notify (truncation) when Netty sees the hang-up (EPOLLRDHUP) with no read
     * pending: either way a connection-ended error, the same instance on both halves.
     */
    private static void assertResetSeen(Ends ends) {
        TlsStreamException e = ends.assertFailedWith(TlsStreamException.class, BOUND);
        assertThat(e).isInstanceOfAny(TlsTransportException.class, TlsTruncationException.class);
    }

    private static Relay.Rule onFirst(Relay.Direction direction, int type, Relay.Action action) {
        return r -> r.direction() == direction && r.type() == type ? action : Relay.Action.FORWARD;
    }

    @Test
    void aResetInTheMiddleOfAnApplicationDataRecordFailsBothHalvesOnBothSides() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build(), r -> Relay.Action.FORWARD);
        awaitHandshakes();
        relay.rule(onFirst(Relay.Direction.CLIENT_TO_SERVER, Relay.APPLICATION_DATA, Relay.Action.CUT_THEN_RESET));

        clientEnds.send(Unpooled.wrappedBuffer(new byte[30_000]));

        assertResetSeen(clientEnds);
        assertResetSeen(serverEnds);
        assertThat(serverEnds.bytesRead()).isZero();
    }

    @Test
    void aResetInTheMiddleOfTheHandshakeFailsTheHandshakeOnBothSides() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build(),
                onFirst(Relay.Direction.SERVER_TO_CLIENT, Relay.HANDSHAKE, Relay.Action.CUT_THEN_RESET));

        SSLException c = clientEnds.assertFailedWith(SSLException.class, BOUND);
        assertThat(c).isInstanceOfAny(TlsTransportException.class, SSLHandshakeException.class);
        serverEnds.assertFailedWith(SSLException.class, BOUND);
        assertThat(Hang.await(client.handshake().materialize(), BOUND, client::describe).getThrowable()).isSameAs(c);
    }

    @Test
    void aResetInTheMiddleOfATls12RenegotiationFailsItAndBothHalvesOnBothSides() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.2").build(), MemoryTls.serverOptions("TLSv1.2").build(), r -> Relay.Action.FORWARD);
        awaitHandshakes();
        relay.rule(onFirst(Relay.Direction.CLIENT_TO_SERVER, Relay.HANDSHAKE, Relay.Action.CUT_THEN_RESET));

        Signal<Void> renegotiation = Hang.await(serverStream.renegotiate().materialize(), BOUND, serverStream::describe);

        TlsStreamException s = serverEnds.assertFailedWith(TlsStreamException.class, BOUND);
        assertResetSeen(serverEnds);
        assertResetSeen(clientEnds);
        assertThat(renegotiation.getThrowable()).isSameAs(s);
    }

    @Test
    void aFinInTheMiddleOfARecordIsTruncationOnBothHalves() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.3").allowTruncation(true).build(), MemoryTls.serverOptions("TLSv1.3").build(),
                r -> Relay.Action.FORWARD);
        awaitHandshakes();
        relay.rule(onFirst(Relay.Direction.SERVER_TO_CLIENT, Relay.APPLICATION_DATA, Relay.Action.CUT_THEN_EOF));

        serverEnds.send(Unpooled.wrappedBuffer(new byte[12_000]));

        TlsTruncationException e = clientEnds.assertFailedWith(TlsTruncationException.class, BOUND);
        assertThat(e).hasMessageContaining("in the middle of a TLS record");
    }

    @Test
    void aFinWithoutCloseNotifyIsTruncationOnBothHalvesOfTheReader() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").closeMode(CloseMode.EOF).build(),
                r -> Relay.Action.FORWARD);
        awaitHandshakes();

        Hang.await(serverStream.writer().finish(), BOUND, serverStream::describe);

        TlsTruncationException e = clientEnds.assertFailedWith(TlsTruncationException.class, BOUND);
        assertThat(e).hasMessageContaining("without close_notify");
    }

    @Test
    void aConnectionThatEndsDuringTheHandshakeFailsTheHandshakeOnBothHalves() throws IOException {
        connect(MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build(),
                onFirst(Relay.Direction.SERVER_TO_CLIENT, Relay.HANDSHAKE, Relay.Action.EOF_BEFORE));

        SSLHandshakeException e = clientEnds.assertFailedWith(SSLHandshakeException.class, BOUND);
        assertThat(Hang.await(client.handshake().materialize(), BOUND, client::describe).getThrowable()).isSameAs(e);
        Hang.await(Mono.when(client.onClose(), serverStream.onClose()), BOUND, serverStream::describe);
    }
}
