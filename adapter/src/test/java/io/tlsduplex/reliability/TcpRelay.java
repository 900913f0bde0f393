package io.tlsduplex.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link Relay}'s rules on real sockets: a loopback TCP proxy between a client and a server that
 * forwards TLS records and, where the rule says, cuts one in half and then resets both connections
 * (SO_LINGER 0, so the kernel sends RST) or shuts the receiver's direction (FIN, no close_notify).
 * Its forwarding threads are plain blocking threads of the test, ended by {@link #close()}.
 */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Sinks.One<Relay.TlsRecord> tripped = Sinks.one();
    private volatile Relay.Rule rule = r -> Relay.Action.FORWARD;
    private volatile boolean broken;

    TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptOne, "tcp-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    TcpRelay rule(Relay.Rule newRule) {
        this.rule = newRule;
        return this;
    }

    Mono<Relay.TlsRecord> tripped() {
        return tripped.asMono();
    }

    private void acceptOne() {
        try {
            Socket client = listener.accept();
            Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            sockets.add(client);
            sockets.add(server);
            start(Relay.Direction.CLIENT_TO_SERVER, client, server);
            start(Relay.Direction.SERVER_TO_CLIENT, server, client);
        } catch (IOException closedBeforeAConnection) {
            // the test ended first
        }
    }

    private void start(Relay.Direction direction, Socket from, Socket to) {
        Thread t = new Thread(() -> forward(direction, from, to), "tcp-relay-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void forward(Relay.Direction direction, Socket from, Socket to) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int index = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                pending.write(buf, 0, n);
                byte[] all = pending.toByteArray();
                int offset = 0;
                while (all.length - offset >= 5) {
                    int length = ((all[offset + 3] & 0xff) << 8) | (all[offset + 4] & 0xff);
                    if (all.length - offset < 5 + length) {
                        break;
                    }
                    byte[] bytes = Arrays.copyOfRange(all, offset, offset + 5 + length);
                    offset += 5 + length;
                    if (broken) {
                        continue;
                    }
                    Relay.TlsRecord r = new Relay.TlsRecord(direction, index++, bytes[0] & 0xff, bytes);
                    switch (rule.on(r)) {
                        case FORWARD -> out.write(bytes);
                        case CUT_THEN_RESET -> {
                            out.write(bytes, 0, bytes.length / 2);
                            out.flush();
                            tripped.tryEmitValue(r);
                            resetAll();
                            return;
                        }
                        case CUT_THEN_EOF -> {
                            out.write(bytes, 0, bytes.length / 2);
                            broken = true;
                            tripped.tryEmitValue(r);
                            to.shutdownOutput();
                        }
                        case EOF_BEFORE -> {
                            broken = true;
                            tripped.tryEmitValue(r);
                            to.shutdownOutput();
                        }
                    }
                }
                pending.reset();
                pending.write(all, offset, all.length - offset);
                out.flush();
            }
            if (!to.isOutputShutdown()) {
                to.shutdownOutput(); // the FIN crosses
            }
        } catch (IOException connectionGone) {
            closeQuietly(to);
        }
    }

    /** Both connections end with a RST, as when a peer or a middlebox aborts them. */
    void resetAll() {
        broken = true;
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException alreadyClosed) {
                // nothing to reset
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(TcpRelay::closeQuietly);
    }
}
