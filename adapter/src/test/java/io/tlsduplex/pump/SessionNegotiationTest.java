package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsSession;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What handshake() reports: protocol, suite, ALPN, certificates. */
class SessionNegotiationTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void alpnPicksTheServersChoiceAmongTheClientsProtocolsAndBothSidesReportIt() {
        try (MemoryTls tls = MemoryTls.connect(
                MemoryTls.clientOptions("TLSv1.3").applicationProtocols("h2", "http/1.1").build(),
                MemoryTls.serverOptions("TLSv1.3").applicationProtocols("http/1.1").build())) {
            TlsSession client = tls.await(tls.client().handshake(), BOUND);
            TlsSession server = tls.await(tls.server().handshake(), BOUND);
            assertThat(client.applicationProtocol()).isEqualTo("http/1.1");
            assertThat(server.applicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void sessionSnapshotNamesProtocolSuiteAndThePeersCertificateChain() {
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.2").build(),
                MemoryTls.serverOptions("TLSv1.2").build())) {
            TlsSession s = tls.await(tls.client().handshake(), BOUND);
            assertThat(s.protocol()).isEqualTo("TLSv1.2");
            assertThat(s.cipherSuite()).startsWith("TLS_ECDHE_ECDSA_");
            assertThat(s.applicationProtocol()).isEmpty();
            assertThat(((X509Certificate) s.peerCertificates().get(0)).getSubjectX500Principal())
                    .isEqualTo(TestPki.shared().server().certificate().getSubjectX500Principal());
            assertThat(s.localCertificates()).isEmpty();
        }
    }
}
