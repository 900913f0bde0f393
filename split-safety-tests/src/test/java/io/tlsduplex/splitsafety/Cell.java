package io.tlsduplex.splitsafety;

/**
 * One cell of the matrix: a peer, an event, how the halves are used, the transport's condition,
 * the subject's role and the payload size each way.
 */
public record Cell(Peer peer, Event event, Usage usage, Condition condition, Role role, long bytes, long seed) {

    public String protocol() {
        return event.protocol();
    }

    public String name() {
        return peer.name() + " | " + event.label() + " | " + usage.label() + " | " + condition.label()
                + " | we are " + role.name().toLowerCase(java.util.Locale.ROOT) + " | " + bytes + " B";
    }

    @Override
    public String toString() {
        return name();
    }
}
