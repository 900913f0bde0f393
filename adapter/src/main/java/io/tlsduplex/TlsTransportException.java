package io.tlsduplex;

/** The transport under the TLS stream failed (connection reset, write error, ...). */
public final class TlsTransportException extends TlsStreamException {
    private static final long serialVersionUID = 1L;

    public TlsTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
