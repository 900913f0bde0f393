package io.tlsduplex.splitsafety;

import io.tlsduplex.splitsafety.peers.OpenSslPeer;
import io.tlsduplex.testing.OpenSslProcess;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * The matrix against {@code openssl s_server} and {@code s_client} processes on loopback, driven
 * through their standard input; the subject runs over reactor-netty. Fails (never skips) when
 * openssl is not installed.
 */
class OpenSslMatrixTest extends SplitSafetyMatrix {
    @BeforeAll
    static void opensslIsInstalled() {
        OpenSslProcess.requireInstalled();
    }

    @Override
    protected Peer peer() {
        return OpenSslPeer.INSTANCE;
    }

    /** openssl drives every event from either side: both roles for the key updates too. */
    @Override
    protected List<Role> roles(Event event) {
        return switch (event) {
            case PEER_KEY_UPDATE_NOT_REQUESTED, PEER_KEY_UPDATE_BURST, OUR_KEY_UPDATE -> List.of(Role.CLIENT, Role.SERVER);
            default -> super.roles(event);
        };
    }

    /**
     * Without s_client's R while the subject server streams: s_client drives its renegotiation from a
     * zero-length SSL_write on a blocking socket, and OpenSSL then rejects any application record that
     * arrives before the server's reply (seen: ClientHello out, a 0x17 record in, "fatal
     * unexpected_message"), though TLS 1.2 lets application data interleave with a renegotiation. A
     * limit of that peer, not a split property; the subject only reading keeps the cell.
     */
    @Override
    public List<Cell> cells(Implementation implementation) {
        List<Cell> cells = new java.util.ArrayList<>(super.cells(implementation));
        cells.removeIf(c -> c.event() == Event.CLIENT_RENEGOTIATION && c.role() == Role.SERVER && c.usage().writes());
        return cells;
    }

    /** Both halves on one thread only under -Psoak (the default build keeps this class near a minute). */
    @Override
    protected boolean inDefaultBuild(Event event, Usage usage, Condition condition) {
        return SOAK || usage != Usage.BOTH_SAME_THREAD;
    }
}
