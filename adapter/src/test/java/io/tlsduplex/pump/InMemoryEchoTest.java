package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsSession;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.transport.Chunking;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

class InMemoryEchoTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("TLSv1.3", "whole records", (Supplier<Chunking>) Chunking::whole, 8L << 20),
                Arguments.of("TLSv1.2", "whole records", (Supplier<Chunking>) Chunking::whole, 8L << 20),
                Arguments.of("TLSv1.3", "random chunks up to 32 KiB", (Supplier<Chunking>) () -> Chunking.random(40, 32 * 1024), 64L << 20),
                Arguments.of("TLSv1.2", "random chunks up to 32 KiB", (Supplier<Chunking>) () -> Chunking.random(41, 32 * 1024), 64L << 20),
                Arguments.of("TLSv1.3", "random chunks up to 3000 bytes", (Supplier<Chunking>) () -> Chunking.random(42, 3000), 4L << 20),
                Arguments.of("TLSv1.2", "random chunks up to 3000 bytes", (Supplier<Chunking>) () -> Chunking.random(43, 3000), 4L << 20),
                Arguments.of("TLSv1.3", "1-byte chunks", (Supplier<Chunking>) () -> Chunking.fixed(1), 64L << 10),
                Arguments.of("TLSv1.2", "1-byte chunks", (Supplier<Chunking>) () -> Chunking.fixed(1), 64L << 10));
    }

    @org.junit.jupiter.api.Test
    void slowLinkWithDelayedDeliveriesAndSmallBufferStillCarriesEveryByteInOrder() {
        MemoryTransport.Options pipe = MemoryTransport.Options.defaults()
                .withChunking(() -> Chunking.random(44, 5000))
                .withCapacity(8 * 1024)
                .withDeliveryDelay(Duration.ofMillis(1));
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build(), pipe)) {
            Payload up = Payload.of(7, 64 * 1024);
            Mono<Payload.Digest> serverGot = Payload.digestOf(tls.server().reader().receive());
            Mono<Void> clientSends = tls.client().writer().send(up.buffers()).then(tls.client().writer().finish());
            var r = tls.await(Mono.zip(serverGot, clientSends.thenReturn(1)), Duration.ofSeconds(60));
            org.assertj.core.api.Assertions.assertThat(r.getT1()).isEqualTo(new Payload.Digest(up.sha256(), up.size()));
        }
    }

    @ParameterizedTest(name = "{0} over {1}: {3} bytes each way arrive intact")
    @MethodSource("cases")
    void bytesSentEachWayArriveIntactAndInOrder(String protocol, String label, Supplier<Chunking> chunking, long size) {
        MemoryTransport.Options pipe = MemoryTransport.Options.defaults().withChunking(chunking);
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions(protocol).build(),
                MemoryTls.serverOptions(protocol).build(), pipe)) {
            Payload up = Payload.of(1, size);
            Payload down = Payload.of(2, size);
            TlsStream.Split client = tls.client().split();
            TlsStream.Split server = tls.server().split();

            // TLS 1.2 has no half-close: the client closes only once it has everything, the server
            // answers the client's close_notify (the engine does that itself).
            Sinks.Empty<Void> clientHasAll = Sinks.empty();
            Mono<Payload.Digest> serverGot = Payload.digestOf(server.reader().receive()).subscribeOn(Schedulers.parallel()).cache();
            Mono<Payload.Digest> clientGot = Payload.digestOf(client.reader().receive(), size, clientHasAll::tryEmitEmpty)
                    .subscribeOn(Schedulers.parallel());
            Mono<Void> clientSends = client.writer().send(up.buffers().subscribeOn(Schedulers.boundedElastic()))
                    .then(clientHasAll.asMono())
                    .then(client.writer().finish());
            Mono<Void> serverSends = server.writer().send(down.buffers().subscribeOn(Schedulers.boundedElastic()))
                    .then(serverGot)
                    .then(server.writer().finish());

            var results = tls.await(Mono.zip(serverGot, clientGot, clientSends.thenReturn(1), serverSends.thenReturn(1)),
                    Duration.ofSeconds(120));
            assertThat(results.getT1()).isEqualTo(new Payload.Digest(up.sha256(), size));
            assertThat(results.getT2()).isEqualTo(new Payload.Digest(down.sha256(), size));

            TlsSession session = tls.client().handshake().block(Duration.ofSeconds(5));
            assertThat(session.protocol()).isEqualTo(protocol);
            tls.await(tls.client().onClose(), Duration.ofSeconds(10));
            tls.await(tls.server().onClose(), Duration.ofSeconds(10));
        }
    }
}
