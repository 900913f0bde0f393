package io.tlsduplex.splitsafety.peers;

import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Event;
import io.tlsduplex.splitsafety.Implementation;
import io.tlsduplex.splitsafety.Peer;
import io.tlsduplex.splitsafety.Role;
import io.tlsduplex.splitsafety.Wiring;
import io.tlsduplex.testing.TestPki;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** The JDK's {@code SSLSocket} on loopback as the peer; the subject runs over reactor-netty. */
public final class JdkSocketPeer implements Peer {
    public static final JdkSocketPeer INSTANCE = new JdkSocketPeer();

    @Override
    public String name() {
        return "JDK SSLSocket";
    }

    @Override
    public boolean supports(Event event, Role role) {
        return switch (event) {
            // the JDK only sends KeyUpdate(update_requested) on demand; EOF without close_notify is its error
            case PEER_KEY_UPDATE_NOT_REQUESTED, WE_CLOSE_FIRST_EOF -> false;
            // A JDK defect, not ours: startHandshake() for the next KeyUpdate races with the socket's reader
            // thread consuming our answer to the previous one (both update the unsynchronized handshake hash:
            // SSLException caused by NoSuchElementException in HandshakeHash.update, 1 run in 13). One
            // KeyUpdate at a time is fine; the burst runs against the adapter and the Netty peer (its KeyUpdate
            // starts on the event loop that also consumes our answers).
            case PEER_KEY_UPDATE_BURST -> false;
            default -> true;
        };
    }

    @Override
    public Wiring connect(Implementation implementation, Cell cell) throws Exception {
        String[] protocols = {cell.protocol()};
        if (cell.role() == Role.CLIENT) {
            SSLServerSocket listener = (SSLServerSocket) TestPki.shared().serverContext().getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
            listener.setEnabledProtocols(protocols);
            CompletableFuture<SSLSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return (SSLSocket) listener.accept();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            TcpSubject subject = TcpSubject.connect(implementation, cell, listener.getLocalPort());
            SSLSocket socket = accepted.get(10, TimeUnit.SECONDS);
            listener.close();
            JdkSocketEndpoint peer = new JdkSocketEndpoint(socket);
            return new Wiring(subject.endpoint, peer, subject.towardSubject(), subject.towardPeer(), subject::close);
        }
        TcpSubject.Listening listening = TcpSubject.listen(implementation, cell);
        SSLSocket socket = (SSLSocket) TestPki.shared().clientContext().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listening.port());
        socket.setEnabledProtocols(protocols);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
        socket.setSSLParameters(params);
        JdkSocketEndpoint peer = new JdkSocketEndpoint(socket);
        peer.handshake().subscribe(v -> { }, e -> { }); // the client starts; the subject server answers
        TcpSubject subject = listening.await();
        return new Wiring(subject.endpoint, peer, subject.towardSubject(), subject.towardPeer(), subject::close);
    }
}
