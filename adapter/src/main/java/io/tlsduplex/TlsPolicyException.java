package io.tlsduplex;

/**
 * The peer did something our policy refuses: a client-initiated renegotiation on a server that
 * refuses them, or more key updates / renegotiations per minute than the configured limit.
 */
public final class TlsPolicyException extends TlsStreamException {
    private static final long serialVersionUID = 1L;

    public TlsPolicyException(String message) {
        super(message);
    }
}
