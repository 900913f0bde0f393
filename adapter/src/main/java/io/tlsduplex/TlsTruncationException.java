package io.tlsduplex;

/**
 * The transport reached end-of-stream before the peer sent {@code close_notify}: the data may
 * have been cut short by an attacker or a crash. Raised unless
 * {@link TlsOptions.Builder#allowTruncation(boolean)} opts out.
 */
public final class TlsTruncationException extends TlsStreamException {
    private static final long serialVersionUID = 1L;

    public TlsTruncationException(String message) {
        super(message);
    }
}
