package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsduplex.PeerVerifier;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsPolicyException;
import io.tlsduplex.TlsSession;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

/**
 * The security defaults hold against peers that push them: renegotiation and key-update floods,
 * old protocols and weak suites, the wrong host, the wrong client certificate issuer or subject.
 * Each refusal ends both halves of the refusing stream with the same exception.
 */
class SecurityPolicyTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private final List<TlsStream> streams = new ArrayList<>();

    @AfterEach
    void disposeEverything() {
        streams.forEach(TlsStream::dispose);
        assertThat(Threads.blockedInAdapter()).isEmpty();
    }

    private TlsStream[] connect(TlsOptions client, TlsOptions server) {
        MemoryTransport.Pair pair = MemoryTransport.pair();
        TlsStream s = TlsStream.over(pair.right(), server);
        TlsStream c = TlsStream.over(pair.left(), client);
        streams.add(c);
        streams.add(s);
        return new TlsStream[] {c, s};
    }

    @Test
    void aServerRefusesAClientInitiatedRenegotiationByDefaultOnBothHalves() {
        TlsStream[] cs = connect(MemoryTls.clientOptions("TLSv1.2").build(), MemoryTls.serverOptions("TLSv1.2").build());
        Ends server = Ends.watch(cs[1]);
        Ends client = Ends.watch(cs[0]);
        Hang.await(cs[0].handshake(), BOUND, cs[0]::describe);

        Signal<Void> renegotiation = Hang.await(cs[0].renegotiate().materialize(), BOUND, cs[0]::describe);

        TlsPolicyException refused = server.assertFailedWith(TlsPolicyException.class, BOUND);
        assertThat(refused).hasMessageContaining("client-initiated");
        assertThat(renegotiation.isOnError()).as("the client's renegotiation failed").isTrue();
        client.assertFailedWith(SSLException.class, BOUND);
    }

    @Test
    void aBurstOfAHundredKeyUpdatesPassesTheDefaultLimitAndDataStillFlows() {
        TlsStream[] cs = connect(MemoryTls.clientOptions("TLSv1.3").build(), MemoryTls.serverOptions("TLSv1.3").build());
        Mono<Payload.Digest> serverGot = Payload.digestOf(cs[1].reader().receive()).cache();
        serverGot.subscribe();
        Payload after = Payload.of(3, 200_000);

        Hang.await(cs[0].handshake().thenMany(Flux.range(0, 100).concatMap(i -> cs[0].keyUpdate()))
                .then(cs[0].writer().send(after.buffers())).then(cs[0].writer().finish()), BOUND, cs[1]::describe);

        assertThat(Hang.await(serverGot, BOUND, cs[1]::describe)).isEqualTo(new Payload.Digest(after.sha256(), after.size()));
    }

    @Test
    void aBurstOfKeyUpdatesAboveAConfiguredLimitFailsTheServerWithAPolicyError() {
        TlsStream[] cs = connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").peerRekeyLimitPerMinute(10).build());
        Ends server = Ends.watch(cs[1]);
        Ends client = Ends.watch(cs[0]);

        Hang.await(cs[0].handshake().thenMany(Flux.range(0, 100).concatMap(i -> cs[0].keyUpdate()))
                .then().onErrorResume(e -> Mono.empty()), BOUND, cs[1]::describe);

        TlsPolicyException e = server.assertFailedWith(TlsPolicyException.class, BOUND);
        assertThat(e).hasMessageContaining("more than 10");
        client.assertFailedWith(SSLException.class, BOUND);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.1", "TLSv1", "SSLv3"})
    void protocolsOlderThanTls12AreRefusedWhenTheOptionsAreBuilt(String old) {
        assertThatThrownBy(() -> MemoryTls.clientOptions("TLSv1.2").protocols("TLSv1.2", old).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(old);
        assertThatThrownBy(() -> MemoryTls.serverOptions("TLSv1.2").protocols(old).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(old);
    }

    private static void assertHelloRefusedWithAnAlert(byte[] hello) {
        MemoryTransport.Pair pair = MemoryTransport.pair();
        TlsStream server = TlsStream.over(pair.right(), TlsOptions.server(TestPki.shared().serverContext()).build());
        try {
            Ends ends = Ends.watch(server);
            RawPeer peer = RawPeer.on(pair.left());
            peer.write(hello);
            ends.assertFailedWith(SSLHandshakeException.class, BOUND);
            Hang.await(peer.ended(), BOUND, server::describe);
            byte[] answer = peer.received();
            assertThat(answer.length).as("the server answered with something").isGreaterThanOrEqualTo(7);
            assertThat(answer[0]).as("a TLS alert record, nothing else").isEqualTo((byte) 21);
            assertThat(answer[5]).as("a fatal alert").isEqualTo((byte) 2);
        } finally {
            server.dispose();
        }
    }

    @Test
    void aPeerThatSpeaksOnlyTls11FailsTheHandshakeWithAnAlert() {
        assertHelloRefusedWithAnAlert(ClientHellos.tls11Only());
    }

    @Test
    void aPeerOfferingOnlyRc4TripleDesNullOrAnonymousSuitesFailsTheHandshakeWithAnAlert() {
        assertHelloRefusedWithAnAlert(ClientHellos.tls12WeakSuitesOnly());
    }

    @Test
    void theDefaultsNegotiateTls13WithAnAeadSuite() {
        TlsStream[] cs = connect(TlsOptions.client(TestPki.shared().clientContext()).serverName("localhost").build(),
                TlsOptions.server(TestPki.shared().serverContext()).build());
        TlsSession session = Hang.await(cs[0].handshake(), BOUND, cs[0]::describe);
        assertThat(session.protocol()).isEqualTo("TLSv1.3");
        assertThat(session.cipherSuite()).matches("TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_SHA(256|384)");
    }

    @Test
    void hostnameVerificationIsOnByDefaultSoAClientExpectingAnotherHostRefusesTheServer() {
        TlsOptions client = TlsOptions.client(TestPki.shared().clientContext()).serverName("wrong.example").build();
        assertThat(client.hostnameVerification()).isTrue();
        TlsStream[] cs = connect(client, MemoryTls.serverOptions("TLSv1.3").build());
        Ends ends = Ends.watch(cs[0]);

        SSLHandshakeException e = ends.assertFailedWith(SSLHandshakeException.class, BOUND);
        assertThat(e).hasStackTraceContaining("wrong.example");
    }

    private static TlsOptions mutualServer(PeerVerifier verifier) {
        return MemoryTls.serverOptions("TLSv1.3").needClientAuth(true).peerVerifier(verifier).build();
    }

    private static TlsOptions clientWithCertificate() {
        return TlsOptions.client(TestPki.shared().clientContextWithCertificate()).serverName("localhost").build();
    }

    @Test
    void mutualTlsAcceptsAClientCertificateWithTheRequiredIssuerAndSubject() {
        String ca = TestPki.shared().caCertificate().getSubjectX500Principal().getName();
        String subject = TestPki.shared().client().certificate().getSubjectX500Principal().getName();
        TlsStream[] cs = connect(clientWithCertificate(),
                mutualServer(session -> {
                    PeerVerifier.issuer(ca).verify(session);
                    PeerVerifier.subject(subject).verify(session);
                }));
        TlsSession seen = Hang.await(cs[1].handshake(), BOUND, cs[1]::describe);
        assertThat(seen.peerCertificates()).isNotEmpty();
    }

    @Test
    void mutualTlsRefusesAClientCertificateFromAnotherIssuerOnBothHalves() {
        TlsStream[] cs = connect(clientWithCertificate(), mutualServer(PeerVerifier.issuer("CN=Some Other CA,O=tls-duplex")));
        Ends server = Ends.watch(cs[1]);
        Ends client = Ends.watch(cs[0]);

        SSLPeerUnverifiedException e = server.assertFailedWith(SSLPeerUnverifiedException.class, BOUND);
        assertThat(e).hasMessageContaining("CN=Some Other CA");
        client.assertFailedWith(SSLException.class, BOUND);
    }

    @Test
    void mutualTlsRefusesAClientCertificateWithAnotherSubjectOnBothHalves() {
        TlsStream[] cs = connect(clientWithCertificate(), mutualServer(PeerVerifier.subject("CN=mallory,O=tls-duplex")));
        Ends server = Ends.watch(cs[1]);

        SSLPeerUnverifiedException e = server.assertFailedWith(SSLPeerUnverifiedException.class, BOUND);
        assertThat(e).hasMessageContaining("mallory");
    }
}
