package io.tlsduplex;

import javax.net.ssl.SSLException;

/**
 * Root of the exceptions tls-duplex raises itself. Errors that come from the {@code SSLEngine}
 * (handshake failures, bad record MACs, alerts from the peer) are passed on as the engine's own
 * {@link SSLException} subclasses; whichever it is, the very same instance reaches both halves.
 */
public class TlsStreamException extends SSLException {
    private static final long serialVersionUID = 1L;

    public TlsStreamException(String message) {
        super(message);
    }

    public TlsStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
