package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsSession;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OpenSslEngineHandshakeTest {

    @ParameterizedTest(name = "{0}: OpenSSL engines on both ends finish the handshake and carry data")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void openSslEnginesOnBothEndsFinishTheHandshakeAndCarryData(String protocol) {
        TestPki pki = TestPki.shared();
        TlsOptions server = TlsOptions.of(pki.nettyServerContext(SslProvider.OPENSSL)).protocols(protocol).build();
        TlsOptions client = TlsOptions.of(pki.nettyClientContext(SslProvider.OPENSSL)).serverName("localhost")
                .protocols(protocol).build();
        try (MemoryTls tls = MemoryTls.connect(client, server)) {
            TlsSession session = tls.await(tls.client().handshake(), Duration.ofSeconds(10));
            tls.await(tls.server().handshake(), Duration.ofSeconds(10));
            assertThat(session.protocol()).isEqualTo(protocol);

            tls.await(tls.client().writer().sendString(Flux.just("ping"), StandardCharsets.UTF_8), Duration.ofSeconds(10));
            String got = tls.await(tls.server().reader().receiveString(StandardCharsets.UTF_8).next(), Duration.ofSeconds(10));
            assertThat(got).isEqualTo("ping");
        }
    }

    @ParameterizedTest(name = "{0}: OpenSSL engines on both ends close cleanly with close_notify both ways")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void openSslEnginesOnBothEndsCloseCleanlyWithCloseNotifyBothWays(String protocol) {
        TestPki pki = TestPki.shared();
        TlsOptions server = TlsOptions.of(pki.nettyServerContext(SslProvider.OPENSSL)).protocols(protocol).build();
        TlsOptions client = TlsOptions.of(pki.nettyClientContext(SslProvider.OPENSSL)).serverName("localhost")
                .protocols(protocol).build();
        try (MemoryTls tls = MemoryTls.connect(client, server)) {
            tls.await(tls.client().handshake(), Duration.ofSeconds(10));
            tls.await(tls.server().handshake(), Duration.ofSeconds(10));
            // Before the fix the close_notify stayed in the engine and the peer saw a bare EOF (truncation).
            tls.await(Mono.when(tls.client().writer().finish(), tls.server().writer().finish(),
                    tls.client().reader().receive().doOnNext(ByteBuf::release).then(),
                    tls.server().reader().receive().doOnNext(ByteBuf::release).then()), Duration.ofSeconds(10));
            tls.await(tls.client().onClose(), Duration.ofSeconds(10));
            tls.await(tls.server().onClose(), Duration.ofSeconds(10));
        }
    }
}
