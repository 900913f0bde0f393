package io.tlsduplex.splitsafety;

import io.tlsduplex.splitsafety.peers.JdkSocketPeer;

/** The matrix against the JDK's {@code SSLSocket} on loopback; the subject runs over reactor-netty. */
class JdkSocketMatrixTest extends SplitSafetyMatrix {
    @Override
    protected Peer peer() {
        return JdkSocketPeer.INSTANCE;
    }
}
