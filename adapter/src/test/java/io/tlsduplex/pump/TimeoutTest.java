package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.TlsTimeoutException;
import io.tlsduplex.testing.DiscardingListener;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.transport.CiphertextTransport;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Handshake and idle timeouts fire on the configured timer (virtual time here: no waiting, no sleeps). */
class TimeoutTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private VirtualTimeScheduler clock;

    @BeforeEach
    void clock() {
        clock = VirtualTimeScheduler.create();
    }

    @AfterEach
    void stopClock() {
        clock.dispose();
    }

    private static Mono<Throwable> errorOf(TlsStream tls) {
        return tls.reader().receive().doOnNext(b -> b.release()).then(Mono.<Throwable>empty()).onErrorResume(Mono::just);
    }

    @Test
    void serverWhosePeerNeverSpeaksFailsBothHalvesWithHandshakeTimeout() {
        MemoryTransport.Pair pair = MemoryTransport.pair();
        pair.left().start(new DiscardingListener()); // a peer that connects and never sends a byte
        TlsOptions options = MemoryTls.serverOptions("TLSv1.3").handshakeTimeout(Duration.ofSeconds(5)).timer(clock).build();
        TlsStream server = TlsStream.over(pair.right(), options);
        try {
            Mono<Throwable> read = errorOf(server).cache();
            read.subscribe();
            clock.advanceTimeBy(Duration.ofSeconds(4));
            assertThat(server.isDisposed()).isFalse();
            clock.advanceTimeBy(Duration.ofSeconds(1));
            Throwable error = Hang.await(read, BOUND, server::describe);
            assertThat(error).isInstanceOf(TlsTimeoutException.class).hasMessageContaining("handshake");
            assertThat(((TlsTimeoutException) error).kind()).isEqualTo(TlsTimeoutException.Kind.HANDSHAKE);
            Throwable write = Hang.await(server.writer().sendBytes(Mono.just(new byte[1]))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND, server::describe);
            assertThat(write).isSameAs(error);
        } finally {
            server.dispose();
            pair.left().close();
        }
    }

    @Test
    void establishedConnectionWithNoTrafficFailsWithIdleTimeoutOnBothSides() {
        TlsOptions client = MemoryTls.clientOptions("TLSv1.3").idleTimeout(Duration.ofSeconds(30)).timer(clock).build();
        try (MemoryTls tls = MemoryTls.connect(client, MemoryTls.serverOptions("TLSv1.3").build())) {
            // a round trip first: after it, nothing from the handshake (tickets) is still in flight
            tls.await(tls.server().writer().sendBytes(Mono.just(new byte[]{1})), BOUND);
            tls.await(tls.client().reader().receiveBytes().next(), BOUND);
            Mono<Throwable> read = errorOf(tls.client()).cache();
            read.subscribe();
            clock.advanceTimeBy(Duration.ofSeconds(29));
            assertThat(tls.client().isDisposed()).isFalse();
            clock.advanceTimeBy(Duration.ofSeconds(2));
            Throwable error = tls.await(read, BOUND);
            assertThat(error).isInstanceOf(TlsTimeoutException.class).hasMessageContaining("idle");
        }
    }

    @Test
    void trafficKeepsTheIdleTimerFromFiring() {
        TlsOptions client = MemoryTls.clientOptions("TLSv1.3").idleTimeout(Duration.ofSeconds(30)).timer(clock).build();
        try (MemoryTls tls = MemoryTls.connect(client, MemoryTls.serverOptions("TLSv1.3").build())) {
            tls.await(tls.client().handshake(), BOUND);
            tls.server().reader().receive().subscribe(b -> b.release());
            for (int i = 0; i < 5; i++) {
                clock.advanceTimeBy(Duration.ofSeconds(20));
                tls.await(tls.client().writer().sendBytes(Mono.just(new byte[]{(byte) i})), BOUND);
            }
            assertThat(tls.client().isDisposed()).isFalse();
        }
    }
}
