package io.tlsduplex.splitsafety;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.splitsafety.peers.NettyPeer;

/** The matrix against reactor-netty's {@code secure()}: Netty's SslHandler with OpenSSL (BoringSSL, netty-tcnative). */
class NettyOpenSslMatrixTest extends SplitSafetyMatrix {
    private static final Peer PEER = new NettyPeer(SslProvider.OPENSSL);

    @Override
    protected Peer peer() {
        return PEER;
    }
}
