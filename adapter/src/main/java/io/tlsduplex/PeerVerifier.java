package io.tlsduplex;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * An extra check of the peer, run right after the handshake finished and before any application
 * data is delivered. Failing it fails the stream (both halves) with the exception thrown.
 */
@FunctionalInterface
public interface PeerVerifier {

    void verify(TlsSession session) throws SSLPeerUnverifiedException;

    /** Accepts every peer the engine accepted. */
    static PeerVerifier acceptAll() {
        return session -> { };
    }

    /** The peer must present a certificate whose issuer is exactly {@code issuerDn} (RFC 2253 form). */
    static PeerVerifier issuer(String issuerDn) {
        X500Principal expected = new X500Principal(issuerDn);
        return session -> {
            X509Certificate leaf = leaf(session);
            if (!leaf.getIssuerX500Principal().equals(expected)) {
                throw new SSLPeerUnverifiedException("peer certificate issuer '" + leaf.getIssuerX500Principal().getName()
                        + "' is not the required '" + expected.getName() + "'");
            }
        };
    }

    /** The peer must present a certificate whose subject is exactly {@code subjectDn} (RFC 2253 form). */
    static PeerVerifier subject(String subjectDn) {
        X500Principal expected = new X500Principal(subjectDn);
        return session -> {
            X509Certificate leaf = leaf(session);
            if (!leaf.getSubjectX500Principal().equals(expected)) {
                throw new SSLPeerUnverifiedException("peer certificate subject '" + leaf.getSubjectX500Principal().getName()
                        + "' is not the required '" + expected.getName() + "'");
            }
        };
    }

    private static X509Certificate leaf(TlsSession session) throws SSLPeerUnverifiedException {
        if (session.peerCertificates().isEmpty() || !(session.peerCertificates().get(0) instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
        }
        return leaf;
    }
}
