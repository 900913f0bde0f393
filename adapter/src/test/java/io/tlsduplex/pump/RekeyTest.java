package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsPolicyException;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** keyUpdate() and renegotiate() while data streams, and what they refuse. */
class RekeyTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void hundredKeyUpdatesFromTheServerWhileTheClientOnlyReadsLoseNoByte() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            Payload down = Payload.of(21, 2 << 20);
            Mono<Void> serverSends = tls.server().writer().send(down.buffers())
                    .and(tls.server().handshake().thenMany(Flux.range(0, 100).concatMap(i -> tls.server().keyUpdate())).then())
                    .then(tls.server().writer().finish());
            Mono<Payload.Digest> clientReads = Payload.digestOf(tls.client().reader().receive()
                    .publishOn(Schedulers.parallel()));
            var r = tls.await(Mono.zip(clientReads, serverSends.thenReturn(1)), BOUND);
            assertThat(r.getT1()).isEqualTo(new Payload.Digest(down.sha256(), down.size()));
        }
    }

    @Test
    void thePeersAnswersToOurOwnKeyUpdatesDoNotCountAgainstOurPeerRekeyLimit() {
        // the client allows the server to start 5 re-keys a minute, then asks for 30 KeyUpdates itself:
        // the server answers each (update_requested), and those answers are not the server's doing
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").peerRekeyLimitPerMinute(5).build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            Payload up = Payload.of(22, 1 << 20);
            Mono<Void> clientSends = tls.client().writer().send(up.buffers())
                    .and(tls.client().handshake().thenMany(Flux.range(0, 30).concatMap(i -> tls.client().keyUpdate())).then())
                    .then(tls.client().writer().finish());
            // the server keeps its output open (it must answer) until it has read everything
            Mono<Payload.Digest> serverReads = Payload.digestOf(tls.server().reader().receive())
                    .flatMap(d -> tls.server().writer().finish().thenReturn(d));
            Mono<Long> clientReads = tls.client().reader().receive().doOnNext(b -> b.release()).count();
            var r = tls.await(Mono.zip(serverReads, clientSends.thenReturn(1), clientReads), BOUND);
            assertThat(r.getT1()).isEqualTo(new Payload.Digest(up.sha256(), up.size()));
        }
    }

    @Test
    void tls12RenegotiationStartedByTheServerCompletesWhileTheClientOnlyWrites() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            Payload up = Payload.of(22, 2 << 20);
            Mono<Payload.Digest> serverReads = Payload.digestOf(tls.server().reader().receive());
            Mono<Void> renegotiations = tls.server().handshake()
                    .then(tls.server().renegotiate()).then(tls.server().renegotiate());
            Mono<Void> clientWrites = tls.client().writer().send(up.buffers().subscribeOn(Schedulers.boundedElastic()))
                    .then(renegotiations)
                    .then(tls.client().writer().finish());
            var r = tls.await(Mono.zip(serverReads, clientWrites.thenReturn(1)), BOUND);
            assertThat(r.getT1()).isEqualTo(new Payload.Digest(up.sha256(), up.size()));
        }
    }

    @Test
    void keyUpdateOnTls12AndRenegotiationOnTls13AreRefusedWithAClearError() {
        try (MemoryTls tls12 = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            tls12.await(tls12.client().handshake(), BOUND);
            Throwable e = tls12.await(tls12.client().keyUpdate().then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(e).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("TLS 1.3");
        }
        try (MemoryTls tls13 = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build())) {
            tls13.await(tls13.client().handshake(), BOUND);
            Throwable e = tls13.await(tls13.client().renegotiate().then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(e).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("keyUpdate");
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefusedByDefaultAndAllowedWhenTheServerOptsIn() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            tls.await(tls.client().handshake(), BOUND);
            tls.client().renegotiate().subscribe(v -> { }, e -> { });
            Throwable e = tls.await(tls.server().reader().receive().doOnNext(b -> b.release())
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just), BOUND);
            assertThat(e).isInstanceOf(TlsPolicyException.class).hasMessageContaining("client-initiated");
        }
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").allowClientRenegotiation(true).build())) {
            tls.await(tls.client().handshake().then(tls.client().renegotiate()), BOUND);
        }
    }
}
