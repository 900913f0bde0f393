package io.tlsduplex.splitsafety.peers;

import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Event;
import io.tlsduplex.splitsafety.Implementation;
import io.tlsduplex.splitsafety.Peer;
import io.tlsduplex.splitsafety.Role;
import io.tlsduplex.splitsafety.Wiring;
import io.tlsduplex.testing.OpenSslProcess;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code openssl s_server} (the subject is the client) or {@code s_client} (the subject is the
 * server) as the peer, one process per cell on 127.0.0.1 (s_server on an ephemeral port, one
 * connection), certificates from {@link TestPki} written as PEM under target/split-safety/openssl,
 * with each process's message log next to them. The subject runs over reactor-netty.
 */
public final class OpenSslPeer implements Peer {
    public static final OpenSslPeer INSTANCE = new OpenSslPeer();
    private static volatile Path pem;

    @Override
    public String name() {
        return "openssl s_server/s_client";
    }

    @Override
    public boolean supports(Event event, Role role) {
        return switch (event) {
            // openssl cannot start a close_notify from s_server, and s_client stops reading after its own
            case PEER_CLOSES_FIRST -> false;
            default -> true;
        };
    }

    /** openssl answers our close_notify with its own at once and stops reading and writing. */
    @Override
    public boolean halfCloses() {
        return false;
    }

    /** s_server cannot send a close_notify of its own accord (s_client could, but then stops reading). */
    @Override
    public boolean closesFirst() {
        return false;
    }

    /** Digit lines: openssl's stdin and stdout are text, and a read starting with a command letter is a command. */
    @Override
    public Payload payload(long seed, long size) {
        return Payload.digitLines(seed, size);
    }

    @Override
    public Wiring connect(Implementation implementation, Cell cell) throws Exception {
        Path dir = pem();
        String protocol = "TLSv1.3".equals(cell.protocol()) ? "-tls1_3" : "-tls1_2";
        AtomicLong receivedBySubject = new AtomicLong();
        List<String> extra = new ArrayList<>();
        if (cell.event() == Event.WE_CLOSE_FIRST_EOF) {
            extra.add("-ignore_unexpected_eof"); // as the other peers allow truncation for this event
        }
        if (cell.role() == Role.CLIENT) {
            OpenSslEndpoint peer = new OpenSslEndpoint("s_server", cell, receivedBySubject::get);
            if (cell.event().serverAllowsClientRenegotiation()) {
                extra.add("-client_renegotiation"); // OpenSSL 3 refuses a client's renegotiation by default
            }
            OpenSslProcess process = OpenSslProcess.server(dir, peer, protocol, extra.toArray(String[]::new));
            peer.attach(process);
            try {
                TcpSubject subject = TcpSubject.connect(implementation, cell, process.acceptPort());
                return new Wiring(new CountingEndpoint(subject.endpoint, receivedBySubject), peer, subject.towardSubject(),
                        subject.towardPeer(), subject::close);
            } catch (Throwable t) {
                process.close();
                throw t;
            }
        }
        TcpSubject.Listening listening = TcpSubject.listen(implementation, cell);
        OpenSslEndpoint peer = new OpenSslEndpoint("s_client", cell, receivedBySubject::get);
        OpenSslProcess process = OpenSslProcess.client(dir, peer, listening.port(), protocol, extra.toArray(String[]::new));
        peer.attach(process);
        try {
            TcpSubject subject = listening.await();
            return new Wiring(new CountingEndpoint(subject.endpoint, receivedBySubject), peer, subject.towardSubject(),
                    subject.towardPeer(), subject::close);
        } catch (Throwable t) {
            process.close();
            listening.server().disposeNow();
            throw t;
        }
    }

    private static Path pem() {
        if (pem == null) {
            synchronized (OpenSslPeer.class) {
                if (pem == null) {
                    try {
                        Path dir = Files.createDirectories(Path.of("target", "split-safety", "openssl"));
                        pem = TestPki.shared().writePem(dir);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return pem;
    }
}
