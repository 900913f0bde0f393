package io.tlsduplex.pump;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsPolicyException;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * What the peer may start after the handshake: TLS 1.3 key updates and tickets, TLS 1.2
 * renegotiations. A server refuses client-initiated renegotiation unless allowed, and every peer
 * start counts against {@link TlsOptions#peerRekeyLimitPerMinute()}. Drain thread only.
 */
final class PeerRekeyPolicy {
    private final boolean server;
    private final boolean allowClientRenegotiation;
    private final RekeyLimiter limiter;

    PeerRekeyPolicy(TlsOptions options) {
        this.server = !options.isClient();
        this.allowClientRenegotiation = options.allowClientRenegotiation();
        this.limiter = new RekeyLimiter(options.peerRekeyLimitPerMinute());
    }

    /**
     * A post-handshake record that carried no application data: a KeyUpdate, a NewSessionTicket
     * (TLS 1.3), or a renegotiation message (TLS 1.2). Returns whether it starts a renegotiation
     * by the peer.
     *
     * @throws TlsPolicyException when the policy refuses it
     */
    boolean onControlRecord(String protocol, HandshakeStatus before, HandshakeStatus after,
                            boolean weAreRenegotiating, long nowNanos) throws TlsPolicyException {
        boolean tls12 = "TLSv1.2".equals(protocol);
        boolean startsRenegotiation = tls12 && before == HandshakeStatus.NOT_HANDSHAKING
                && after != HandshakeStatus.NOT_HANDSHAKING && after != HandshakeStatus.FINISHED
                && !weAreRenegotiating;
        if (tls12 && !startsRenegotiation) {
            return false; // the rest of a renegotiation, already counted
        }
        if (startsRenegotiation && server && !allowClientRenegotiation) {
            throw new TlsPolicyException("client-initiated TLS 1.2 renegotiation refused "
                    + "(TlsOptions.allowClientRenegotiation is off)");
        }
        if (!limiter.tryAcquire(nowNanos)) {
            throw new TlsPolicyException("peer started more than " + limiter.limit()
                    + " key updates / renegotiations in one minute (TlsOptions.peerRekeyLimitPerMinute)");
        }
        return startsRenegotiation;
    }
}
