package io.tlsduplex.splitsafety;

import io.tlsduplex.testing.Payload;

/** A peer kind: connects a subject of some {@link Implementation} to a peer endpoint for one cell. */
public interface Peer {

    /** Short name for reports, e.g. "adapter (memory)" or "JDK SSLSocket". */
    String name();

    /** Connects the subject and the peer as the cell says; the caller closes the result. */
    Wiring connect(Implementation implementation, Cell cell) throws Exception;

    /**
     * Whether the peer keeps writing after our close_notify (TLS 1.3 half-close). A peer that does not
     * ends the connection instead: its cells close only once they have every byte, and "our close_notify,
     * peer keeps streaming" asserts that the peer ends the connection without sending anything more.
     */
    default boolean halfCloses() {
        return true;
    }

    /**
     * Whether the peer keeps reading after its own close_notify (TLS 1.3 half-close, the other way). A
     * peer that does not closes only once it has every byte, and "peer close_notify, we keep streaming"
     * asserts that the peer ends the connection after its close_notify, our read half having every byte.
     */
    default boolean readsAfterItsCloseNotify() {
        return true;
    }

    /** Whether this peer can start {@code event} when the subject plays {@code role}. */
    default boolean supports(Event event, Role role) {
        return true;
    }

    /**
     * Whether the peer can send close_notify before the subject does. openssl's s_server cannot (its Q
     * and its end of input close the socket without one): a subject that only reads then closes once it
     * has every byte instead of waiting for the peer's close_notify.
     */
    default boolean closesFirst() {
        return true;
    }

    /** The known byte sequence each way ({@link Payload#digitLines} for a peer whose I/O is text lines). */
    default Payload payload(long seed, long size) {
        return Payload.of(seed, size);
    }
}
