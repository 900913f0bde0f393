package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.tlsduplex.CloseMode;
import io.tlsduplex.TlsClosedException;
import io.tlsduplex.TlsTruncationException;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** close_notify, bare EOF, truncation and half-close, as the two close modes define them. */
class CloseSemanticsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void tls13ClientFinishesItsWriteHalfAndStillReadsEverythingTheServerSends() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            Payload down = Payload.of(5, 1 << 20);
            tls.await(tls.client().writer().finish(), BOUND);
            // the server's read half ends with the client's close_notify; its write half goes on
            tls.await(tls.server().reader().receive().doOnNext(b -> b.release()).then(), BOUND);
            Mono<Void> serverSends = tls.server().writer().send(down.buffers()).then(tls.server().writer().finish());
            var result = tls.await(Mono.zip(Payload.digestOf(tls.client().reader().receive()), serverSends.thenReturn(1)), BOUND);
            assertThat(result.getT1()).isEqualTo(new Payload.Digest(down.sha256(), down.size()));
            tls.await(tls.client().onClose(), BOUND);
            tls.await(tls.server().onClose(), BOUND);
        }
    }

    @Test
    void eofModeShutsTheOutputWithoutCloseNotifyAndAPeerThatAllowsTruncationReadsToTheEnd() {
        try (MemoryTls tls = MemoryTls.connect(
                MemoryTls.clientOptions("TLSv1.3").closeMode(CloseMode.EOF).build(),
                MemoryTls.serverOptions("TLSv1.3").allowTruncation(true).build())) {
            Payload up = Payload.of(6, 300_000);
            tls.await(tls.client().writer().send(up.buffers()).then(tls.client().writer().finish()), BOUND);
            assertThat(tls.await(Payload.digestOf(tls.server().reader().receive()), BOUND))
                    .isEqualTo(new Payload.Digest(up.sha256(), up.size()));
            // the server can still answer: the client's read half is open
            tls.await(tls.server().writer().sendBytes(Mono.just(new byte[]{42})).then(tls.server().writer().finish()), BOUND);
            assertThat(tls.await(tls.client().reader().receiveBytes().next(), BOUND)).containsExactly(42);
        }
    }

    @Test
    void eofWithoutCloseNotifyIsATruncationErrorOnBothHalvesByDefault() {
        try (MemoryTls tls = MemoryTls.connect(
                MemoryTls.clientOptions("TLSv1.3").closeMode(CloseMode.EOF).build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            tls.await(tls.client().handshake().then(tls.client().writer().finish()), BOUND);
            Throwable read = tls.await(tls.server().reader().receive().doOnNext(b -> b.release())
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            Throwable write = tls.await(tls.server().writer().send(Mono.just(Unpooled.wrappedBuffer(new byte[8])))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(read).isInstanceOf(TlsTruncationException.class).hasMessageContaining("close_notify");
            assertThat(write).isSameAs(read);
        }
    }

    @Test
    void tls12PeerCloseNotifyEndsOurOutputTooBecauseTls12HasNoHalfClose() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            tls.await(tls.server().handshake().then(tls.server().writer().finish()), BOUND);
            tls.await(tls.client().reader().receive().doOnNext(b -> b.release()).then(), BOUND);
            Throwable write = tls.await(tls.client().writer().sendBytes(Mono.just(new byte[8]))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(write).isInstanceOf(TlsClosedException.class).hasMessageContaining("TLS 1.2");
            // a buffer handed to a refused send is still released (the leak detector would say)
            Throwable refused = tls.await(tls.client().writer().send(Mono.just(Unpooled.directBuffer(16).writeLong(1)))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(refused).isInstanceOf(TlsClosedException.class);
            tls.await(tls.client().onClose(), BOUND);
        }
    }

    @Test
    void disposeFailsBothHalvesWithClosedExceptionAndClosesTheTransport() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            tls.await(tls.client().handshake(), BOUND);
            Mono<Throwable> read = tls.client().reader().receive().doOnNext(b -> b.release())
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).cache();
            read.subscribe();
            tls.client().dispose();
            assertThat(tls.await(read, BOUND)).isInstanceOf(TlsClosedException.class);
            tls.await(tls.client().onClose(), BOUND);
            // the server sees the transport go away without close_notify: EOF (truncation) or,
            // when it was writing at that moment, a reset
            Throwable serverRead = tls.await(tls.server().reader().receive().doOnNext(b -> b.release())
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(serverRead).isInstanceOfAny(TlsTruncationException.class, io.tlsduplex.TlsTransportException.class);
        }
    }

    @Test
    void aSecondConcurrentSubscriberToEitherHalfGetsAClearError() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            tls.client().reader().receive().subscribe(b -> b.release());
            Throwable second = tls.await(tls.client().reader().receive().then(Mono.<Throwable>empty())
                    .onErrorResume(Mono::just), BOUND);
            assertThat(second).isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a subscriber");

            tls.client().writer().send(reactor.core.publisher.Flux.never()).subscribe();
            Throwable busy = tls.await(tls.client().writer().sendBytes(Mono.just(new byte[1]))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(busy).isInstanceOf(IllegalStateException.class).hasMessageContaining("busy");
        }
    }
}
