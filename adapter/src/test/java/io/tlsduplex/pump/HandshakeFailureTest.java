package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A failed handshake reaches handshake(), the read half and the write half as one and the same error. */
class HandshakeFailureTest {

    /** Subscribes all three and returns the errors they ended with. */
    private static Throwable[] errorsOf(MemoryTls tls, TlsStream side) {
        Mono<Throwable> handshake = side.handshake().flatMap(s -> Mono.<Throwable>empty()).onErrorResume(Mono::just);
        Mono<Throwable> read = side.reader().receive().doOnNext(b -> b.release()).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just);
        Mono<Throwable> write = side.writer().send(Mono.just(Unpooled.wrappedBuffer(new byte[]{1, 2, 3})))
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just);
        var t = tls.await(Mono.zip(handshake, read, write), Duration.ofSeconds(20));
        return new Throwable[]{t.getT1(), t.getT2(), t.getT3()};
    }

    private static void assertSameFailureEverywhere(Throwable[] errors, Class<? extends Throwable> type, String messagePart) {
        assertThat(errors[0]).isInstanceOf(type).hasMessageContaining(messagePart);
        assertThat(errors[1]).as("read half").isSameAs(errors[0]);
        assertThat(errors[2]).as("write half").isSameAs(errors[0]);
    }

    @Test
    void clientThatDoesNotTrustTheServerCertificateFailsBothHalvesWithTheSameError() {
        TlsOptions client = TlsOptions.client(TestPki.create("Stranger").clientContext()).serverName("localhost").build();
        try (MemoryTls tls = MemoryTls.connect(client, MemoryTls.serverOptions("TLSv1.3").build())) {
            Throwable[] errors = errorsOf(tls, tls.client());
            assertSameFailureEverywhere(errors, SSLHandshakeException.class, "PKIX");
            assertThat(errorsOf(tls, tls.server())[0]).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void serverCertificateForAnotherHostFailsHostnameVerificationOnBothHalves() {
        TestPki pki = TestPki.shared();
        TlsOptions server = TlsOptions.server(pki.context(pki.serverFor("wrong.example"), true)).build();
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(), server)) {
            assertSameFailureEverywhere(errorsOf(tls, tls.client()), SSLHandshakeException.class, "localhost");
        }
    }

    @Test
    void hostnameVerificationCanBeTurnedOffExplicitly() {
        TestPki pki = TestPki.shared();
        TlsOptions server = TlsOptions.server(pki.context(pki.serverFor("wrong.example"), true)).build();
        TlsOptions client = MemoryTls.clientOptions("TLSv1.3").hostnameVerification(false).build();
        try (MemoryTls tls = MemoryTls.connect(client, server)) {
            assertThat(tls.await(tls.client().handshake(), Duration.ofSeconds(20)).protocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void noProtocolInCommonFailsTheHandshakeOnBothSides() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            assertSameFailureEverywhere(errorsOf(tls, tls.client()), javax.net.ssl.SSLException.class, "");
            assertSameFailureEverywhere(errorsOf(tls, tls.server()), javax.net.ssl.SSLException.class, "");
        }
    }

    @Test
    void serverThatRequiresAClientCertificateRefusesAClientWithout() {
        TlsOptions server = MemoryTls.serverOptions("TLSv1.3").needClientAuth(true).build();
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(), server)) {
            assertSameFailureEverywhere(errorsOf(tls, tls.server()), SSLHandshakeException.class, "");
        }
    }
}
