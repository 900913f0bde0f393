package io.tlsduplex;

import java.time.Duration;

/** The handshake did not finish, or the connection stayed idle, for longer than configured. */
public final class TlsTimeoutException extends TlsStreamException {
    private static final long serialVersionUID = 1L;

    /** Which of the configured timeouts fired. */
    public enum Kind { HANDSHAKE, IDLE }

    private final Kind kind;

    public TlsTimeoutException(Kind kind, Duration limit) {
        super((kind == Kind.HANDSHAKE ? "TLS handshake did not complete within " : "TLS connection idle (no ciphertext in or out) for ")
                + limit.toMillis() + " ms");
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
