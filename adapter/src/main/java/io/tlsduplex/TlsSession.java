package io.tlsduplex;

import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a finished handshake negotiated: an immutable snapshot taken when the handshake finished.
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the negotiated cipher suite
 * @param applicationProtocol the ALPN protocol, or empty when none was negotiated
 * @param peerCertificates    the peer's chain, leaf first; empty when the peer sent none
 * @param localCertificates   the chain we sent, leaf first; empty when we sent none
 * @param peerHost            the host name the engine was created for (SNI / verification), may be null
 */
public record TlsSession(String protocol,
                         String cipherSuite,
                         String applicationProtocol,
                         List<Certificate> peerCertificates,
                         List<Certificate> localCertificates,
                         String peerHost) {

    public TlsSession {
        peerCertificates = List.copyOf(peerCertificates);
        localCertificates = List.copyOf(localCertificates);
    }

    /** Takes the snapshot; {@code alpn} is what the engine reported ({@code null} or empty for none). */
    public static TlsSession of(SSLSession session, String alpn) {
        List<Certificate> peer;
        try {
            peer = List.of(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException noPeerCertificate) {
            peer = List.of();
        }
        Certificate[] local = session.getLocalCertificates();
        return new TlsSession(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn,
                peer, local == null ? List.of() : List.of(local), session.getPeerHost());
    }
}
