package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.CloseMode;
import io.tlsduplex.TlsClosedException;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.TlsTransportException;
import io.tlsduplex.TlsTruncationException;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.scheduler.Schedulers;

/**
 * Faults injected into the in-memory transport at exact points, each ending in a defined state:
 * both halves terminate with the documented signal (the very same exception), the transport is
 * closed, every buffer is released (NoLeaksExtension) and no thread is left waiting in the adapter.
 */
class InMemoryFaultsTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private TlsStream client;
    private TlsStream server;

    @AfterEach
    void noStreamLeftOpenAndNoThreadLeftWaiting() {
        if (client != null) {
            client.dispose();
        }
        if (server != null) {
            server.dispose();
        }
        assertThat(Threads.blockedInAdapter()).isEmpty();
    }

    private void connect(Relay relay, TlsOptions clientOptions, TlsOptions serverOptions) {
        server = TlsStream.over(relay.serverTransport(), serverOptions);
        client = TlsStream.over(relay.clientTransport(), clientOptions);
    }

    private void awaitHandshakes() {
        Hang.await(client.handshake().then(server.handshake()), BOUND, this::state);
    }

    private String state() {
        return "client " + client.describe() + "\nserver " + server.describe();
    }

    private static ByteBuf bytes(int n) {
        return Unpooled.wrappedBuffer(Payload.of(n, n).bytes());
    }

    @Test
    void aResetInTheMiddleOfAnApplicationDataRecordFailsBothHalvesOnBothSidesWithATransportException() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);
        awaitHandshakes();
        relay.rule(r -> r.direction() == Relay.Direction.CLIENT_TO_SERVER && r.type() == Relay.APPLICATION_DATA
                ? Relay.Action.CUT_THEN_RESET : Relay.Action.FORWARD);

        clientEnds.send(bytes(20_000));

        TlsTransportException c = clientEnds.assertFailedWith(TlsTransportException.class, BOUND);
        TlsTransportException s = serverEnds.assertFailedWith(TlsTransportException.class, BOUND);
        assertThat(c).hasRootCauseInstanceOf(IOException.class);
        assertThat(s).hasRootCauseInstanceOf(IOException.class);
        assertThat(serverEnds.bytesRead()).as("no byte of the cut record was delivered").isZero();
    }

    @Test
    void aResetInTheMiddleOfTheHandshakeFailsTheHandshakeAndBothHalvesOnBothSides() {
        Relay relay = Relay.create().rule(r -> r.direction() == Relay.Direction.SERVER_TO_CLIENT && r.index() == 0
                ? Relay.Action.CUT_THEN_RESET : Relay.Action.FORWARD);
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);

        TlsTransportException c = clientEnds.assertFailedWith(TlsTransportException.class, BOUND);
        TlsTransportException s = serverEnds.assertFailedWith(TlsTransportException.class, BOUND);
        assertThat(Hang.await(client.handshake().materialize(), BOUND, this::state).getThrowable()).isSameAs(c);
        assertThat(Hang.await(server.handshake().materialize(), BOUND, this::state).getThrowable()).isSameAs(s);
    }

    @Test
    void aResetInTheMiddleOfATls12RenegotiationFailsTheRenegotiationAndBothHalvesOnBothSides() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.2").build(), MemoryTls.serverOptions("TLSv1.2").build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);
        awaitHandshakes();
        // The server's HelloRequest crosses; the client's new ClientHello is cut.
        relay.rule(r -> r.direction() == Relay.Direction.CLIENT_TO_SERVER && r.type() == Relay.HANDSHAKE
                ? Relay.Action.CUT_THEN_RESET : Relay.Action.FORWARD);

        Signal<Void> renegotiation = Hang.await(server.renegotiate().materialize(), BOUND, this::state);

        TlsTransportException s = serverEnds.assertFailedWith(TlsTransportException.class, BOUND);
        clientEnds.assertFailedWith(TlsTransportException.class, BOUND);
        assertThat(renegotiation.getThrowable()).isSameAs(s);
        assertThat(Hang.await(relay.tripped(), BOUND, this::state).type()).isEqualTo(Relay.HANDSHAKE);
    }

    @Test
    void eofWithoutCloseNotifyFailsBothHalvesOfTheReaderWithTruncation() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").closeMode(CloseMode.EOF).build());
        Ends clientEnds = Ends.watch(client);
        awaitHandshakes();

        Hang.await(server.writer().send(Mono.just(bytes(1000))).then(server.writer().finish()), BOUND, this::state);

        TlsTruncationException e = clientEnds.assertFailedWith(TlsTruncationException.class, BOUND);
        assertThat(e).hasMessageContaining("without close_notify");
        assertThat(clientEnds.bytesRead()).as("the bytes before the EOF were delivered").isEqualTo(1000);
        Hang.await(server.onClose(), BOUND, this::state);
    }

    @Test
    void eofWithoutCloseNotifyEndsTheReadHalfCleanlyWhenTruncationIsAllowedAndTheWriteHalfGoesOn() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").allowTruncation(true).build(),
                MemoryTls.serverOptions("TLSv1.3").closeMode(CloseMode.EOF).build());
        Mono<Payload.Digest> serverGot = Payload.digestOf(server.reader().receive()).cache();
        serverGot.subscribe();
        awaitHandshakes();

        Hang.await(server.writer().finish(), BOUND, this::state);
        Signal<Void> clientRead = Hang.await(client.reader().receive().doOnNext(ByteBuf::release).then().materialize(),
                BOUND, this::state);
        assertThat(clientRead.isOnComplete()).as("read half completed, got %s", clientRead).isTrue();

        Payload after = Payload.of(7, 100_000);
        Hang.await(client.writer().send(after.buffers()).then(client.writer().finish()), BOUND, this::state);
        assertThat(Hang.await(serverGot, BOUND, this::state)).isEqualTo(new Payload.Digest(after.sha256(), after.size()));
        Hang.await(client.onClose().then(server.onClose()), BOUND, this::state);
    }

    @Test
    void eofInTheMiddleOfARecordIsTruncationEvenWhenTruncationIsAllowed() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").allowTruncation(true).build(),
                MemoryTls.serverOptions("TLSv1.3").build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);
        awaitHandshakes();
        relay.rule(r -> r.direction() == Relay.Direction.SERVER_TO_CLIENT && r.type() == Relay.APPLICATION_DATA
                ? Relay.Action.CUT_THEN_EOF : Relay.Action.FORWARD);

        serverEnds.send(bytes(10_000));

        TlsTruncationException e = clientEnds.assertFailedWith(TlsTruncationException.class, BOUND);
        assertThat(e).hasMessageContaining("in the middle of a TLS record");
        assertThat(clientEnds.bytesRead()).isZero();
        Hang.await(server.onClose(), BOUND, this::state);
    }

    @Test
    void aTransportThatFailsEveryWriteFailsBothHalvesWithATransportExceptionAndThePeerSeesTheConnectionEnd() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);
        awaitHandshakes();
        relay.clientTransport().failWrites(new IOException("broken pipe (injected)"));

        clientEnds.send(bytes(5000));

        TlsTransportException e = clientEnds.assertFailedWith(TlsTransportException.class, BOUND);
        assertThat(e).hasMessageContaining("broken pipe");
        serverEnds.assertFailedWith(TlsTruncationException.class, BOUND);
    }

    @Test
    void aTransportThatEndsDuringTheHandshakeFailsTheHandshakeOnBothHalves() {
        Relay relay = Relay.create().rule(r -> r.direction() == Relay.Direction.SERVER_TO_CLIENT
                ? Relay.Action.EOF_BEFORE : Relay.Action.FORWARD);
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build());
        Ends clientEnds = Ends.watch(client);

        SSLHandshakeException e = clientEnds.assertFailedWith(SSLHandshakeException.class, BOUND);
        assertThat(Hang.await(client.handshake().materialize(), BOUND, this::state).getThrowable()).isSameAs(e);
    }

    @Test
    void aTransportThatEndsAfterTheHandshakeWithoutCloseNotifyFailsBothHalvesWithTruncation() {
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.2").build(), MemoryTls.serverOptions("TLSv1.2").build());
        Ends clientEnds = Ends.watch(client);
        awaitHandshakes();
        relay.rule(r -> Relay.Action.EOF_BEFORE);

        server.writer().send(Mono.just(bytes(100))).subscribe();

        clientEnds.assertFailedWith(TlsTruncationException.class, BOUND);
    }

    @Test
    void cancellingTheReadHalfMidStreamLosesNoByteAndTheWriteHalfGoesOn() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            client = tls.client();
            server = tls.server();
            Payload down = Payload.of(11, 1 << 20);
            Payload up = Payload.of(12, 1 << 20);
            Mono<Payload.Digest> serverGot = Payload.digestOf(server.reader().receive()).cache();
            serverGot.subscribe();
            server.writer().send(down.buffers()).then(server.writer().finish()).subscribe();

            ByteArrayOutputStream clientGot = new ByteArrayOutputStream();
            // First subscriber: a few buffers, then it cancels (take) from a parallel thread.
            Hang.await(client.reader().receiveBytes().take(5).doOnNext(clientGot::writeBytes)
                    .subscribeOn(Schedulers.parallel()).then(), BOUND, tls::toString);
            // The write half is unaffected by the read half's cancel.
            Hang.await(client.writer().send(up.buffers().subscribeOn(Schedulers.boundedElastic()))
                    .then(client.writer().finish()), BOUND, tls::toString);
            assertThat(Hang.await(serverGot, BOUND, tls::toString)).isEqualTo(new Payload.Digest(up.sha256(), up.size()));
            // A second subscriber gets everything after what the first one took: nothing lost, nothing twice.
            Hang.await(client.reader().receiveBytes().doOnNext(clientGot::writeBytes).then(), BOUND, tls::toString);
            assertThat(clientGot.toByteArray()).isEqualTo(down.bytes());
            Hang.await(client.onClose().then(server.onClose()), BOUND, tls::toString);
        }
    }

    @Test
    void cancellingASendStopsTakingBuffersSendsTheTakenOnesAndTheNextSendContinues() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            client = tls.client();
            server = tls.server();
            byte[] all = Payload.of(13, 300_000).bytes();
            int firstPart = 4 * 1000;
            Mono<Payload.Digest> serverGot = Payload.digestOf(server.reader().receive()).cache();
            serverGot.subscribe();
            Ends serverEnds = Ends.watch(server);

            AtomicInteger taken = new AtomicInteger();
            Flux<ByteBuf> fourThenNothing = Flux.concat(
                    Flux.range(0, 4).map(i -> Unpooled.wrappedBuffer(all, i * 1000, 1000)).doOnNext(b -> taken.incrementAndGet()),
                    Flux.never());
            var firstSend = client.writer().send(fourThenNothing).subscribe();
            assertThat(taken).as("prefetch took the four buffers synchronously").hasValue(4);
            firstSend.dispose();

            Hang.await(client.writer().send(Mono.just(Unpooled.wrappedBuffer(all, firstPart, all.length - firstPart)))
                    .then(client.writer().finish()), BOUND, tls::toString);
            Payload.Digest expected = Hang.await(Payload.digestOf(Flux.just(Unpooled.wrappedBuffer(all))), BOUND, tls::toString);
            assertThat(Hang.await(serverGot, BOUND, tls::toString)).isEqualTo(expected);
            // the server side is untouched: it can still send, then close cleanly
            serverEnds.send(bytes(10));
            Hang.await(client.reader().receive().doOnNext(ByteBuf::release).then()
                    .and(server.writer().finish()), BOUND, tls::toString);
        }
    }

    @Test
    void disposingTheStreamWhileADelegatedTaskIsParkedEndsBothHalvesWithClosedAndTheTaskStillRunsToItsEnd() throws Exception {
        ParkingExecutor tasks = new ParkingExecutor();
        Relay relay = Relay.create();
        connect(relay, MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").taskExecutor(tasks).build());
        Ends clientEnds = Ends.watch(client);
        Ends serverEnds = Ends.watch(server);
        assertThat(tasks.firstParked().await(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .as("the server's engine handed out a delegated task; %s", state()).isTrue();
        assertThat(server.describe()).contains("taskRunning=true");

        server.dispose();

        TlsClosedException e = serverEnds.assertFailedWith(TlsClosedException.class, BOUND);
        assertThat(Hang.await(server.handshake().materialize(), BOUND, this::state).getThrowable()).isSameAs(e);
        clientEnds.assertFailedWith(SSLException.class, BOUND);
        int parked = tasks.parkedCount();
        tasks.release();
        Hang.await(Flux.interval(Duration.ofMillis(5)).filter(t -> tasks.ran() >= parked).next(), BOUND, this::state);
        assertThat(server.describe()).contains("phase=CLOSED");
    }
}
