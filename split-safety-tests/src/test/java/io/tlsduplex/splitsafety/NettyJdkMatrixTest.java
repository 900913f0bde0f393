package io.tlsduplex.splitsafety;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.splitsafety.peers.NettyPeer;

/** The matrix against reactor-netty's {@code secure()}: Netty's SslHandler with the JDK engine. */
class NettyJdkMatrixTest extends SplitSafetyMatrix {
    private static final Peer PEER = new NettyPeer(SslProvider.JDK);

    @Override
    protected Peer peer() {
        return PEER;
    }
}
