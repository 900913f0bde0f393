package io.tlsduplex.splitsafety;

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

    /** Whether this peer can start {@code event} when the subject plays {@code role}. */
    default boolean supports(Event event, Role role) {
        return true;
    }
}
