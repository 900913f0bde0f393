package io.tlsduplex.splitsafety;

import io.tlsduplex.TlsPolicyException;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What happens in the middle of the stream. {@link Kind} says which side starts it; "subject" is the
 * split under test, "peer" the other end. Expected outcomes are in {@link #expectedFailure()}.
 */
public enum Event {
    /** The halves are used from the very start: the handshake itself is the event. */
    HANDSHAKE("handshake", "TLSv1.3", Kind.NONE),
    HANDSHAKE_TLS12("handshake (TLS 1.2)", "TLSv1.2", Kind.NONE),
    /** Plain streaming after the handshake (TLS 1.3 clients also get the server's NewSessionTicket). */
    STREAMING("streaming, NewSessionTicket", "TLSv1.3", Kind.NONE),
    PEER_KEY_UPDATE_REQUESTED("peer KeyUpdate(update_requested)", "TLSv1.3", Kind.PEER),
    /** Our KeyUpdate(update_requested): the peer answers with a KeyUpdate without update_requested. */
    OUR_KEY_UPDATE("our KeyUpdate, peer's KeyUpdate(not requested)", "TLSv1.3", Kind.SUBJECT),
    PEER_KEY_UPDATE_NOT_REQUESTED("peer KeyUpdate(not requested)", "TLSv1.3", Kind.PEER),
    PEER_KEY_UPDATE_BURST("peer KeyUpdate burst of 100", "TLSv1.3", Kind.PEER),
    /** TLS 1.2 renegotiation started by the server (a HelloRequest when the server is the peer). */
    SERVER_RENEGOTIATION("TLS 1.2 server-initiated renegotiation", "TLSv1.2", Kind.SERVER_SIDE),
    /** TLS 1.2 renegotiation started by the client, with the server allowing it. */
    CLIENT_RENEGOTIATION("TLS 1.2 client-initiated renegotiation (allowed)", "TLSv1.2", Kind.CLIENT_SIDE),
    /** Client-initiated renegotiation against our server with the default policy: refused. */
    CLIENT_RENEGOTIATION_REFUSED("TLS 1.2 client-initiated renegotiation (refused)", "TLSv1.2", Kind.CLIENT_SIDE),
    /** The peer sends close_notify first while we keep streaming to it (TLS 1.3 half-close). */
    PEER_CLOSES_FIRST("peer close_notify, we keep streaming", "TLSv1.3", Kind.NONE),
    /** We send close_notify first while the peer keeps streaming to us. */
    WE_CLOSE_FIRST("our close_notify, peer keeps streaming", "TLSv1.3", Kind.NONE),
    /** As {@link #WE_CLOSE_FIRST} in CloseMode.EOF: only a FIN, the peer allows truncation. */
    WE_CLOSE_FIRST_EOF("our EOF (CloseMode.EOF), peer keeps streaming", "TLSv1.3", Kind.NONE),
    /** The peer's engine sends a fatal alert (it got a corrupted record from us). */
    FATAL_ALERT("fatal alert from the peer", "TLSv1.3", Kind.NONE),
    /** A garbage record reaches us in the middle of the stream. */
    GARBAGE_RECORD("garbage record", "TLSv1.3", Kind.NONE);

    /** Who starts the event. */
    public enum Kind {
        NONE, PEER, SUBJECT,
        /** The server side starts it: the peer if the subject is the client, else the subject. */
        SERVER_SIDE,
        /** The client side starts it. */
        CLIENT_SIDE
    }

    private final String label;
    private final String protocol;
    private final Kind kind;

    Event(String label, String protocol, Kind kind) {
        this.label = label;
        this.protocol = protocol;
        this.kind = kind;
    }

    public String label() {
        return label;
    }

    public String protocol() {
        return protocol;
    }

    /** Whether the halves are used before the handshake finished. */
    public boolean includesHandshake() {
        return this == HANDSHAKE || this == HANDSHAKE_TLS12;
    }

    /** Whether the peer (rather than the subject) starts the event when the subject plays {@code role}. */
    public boolean startedByPeer(Role role) {
        return switch (kind) {
            case PEER -> true;
            case SUBJECT, NONE -> false;
            case SERVER_SIDE -> role == Role.CLIENT;
            case CLIENT_SIDE -> role == Role.SERVER;
        };
    }

    public boolean hasAction() {
        return kind != Kind.NONE;
    }

    /** The action on whichever endpoint starts the event. */
    public Mono<Void> act(SplitEndpoint starter) {
        return switch (this) {
            case PEER_KEY_UPDATE_REQUESTED, OUR_KEY_UPDATE -> starter.keyUpdate();
            case PEER_KEY_UPDATE_NOT_REQUESTED -> starter.keyUpdateNotRequested();
            case PEER_KEY_UPDATE_BURST -> Flux.range(0, 100).concatMap(i -> starter.keyUpdate()).then();
            case SERVER_RENEGOTIATION, CLIENT_RENEGOTIATION, CLIENT_RENEGOTIATION_REFUSED -> starter.renegotiate();
            default -> Mono.empty();
        };
    }

    /** The error both halves of the subject must end with, or null when the cell must succeed. */
    public Class<? extends Throwable> expectedFailure() {
        return switch (this) {
            case FATAL_ALERT, GARBAGE_RECORD -> SSLException.class;
            case CLIENT_RENEGOTIATION_REFUSED -> TlsPolicyException.class;
            default -> null;
        };
    }

    /** Whether the server side must allow client-initiated renegotiation. */
    public boolean serverAllowsClientRenegotiation() {
        return this == CLIENT_RENEGOTIATION;
    }
}
