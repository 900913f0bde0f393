package io.tlsduplex;

/**
 * The operation needs a direction that is already closed: a write after the write half finished
 * or after a TLS 1.2 peer closed the connection, or any use after {@link TlsStream#dispose()}.
 */
public final class TlsClosedException extends TlsStreamException {
    private static final long serialVersionUID = 1L;

    public TlsClosedException(String message) {
        super(message);
    }
}
