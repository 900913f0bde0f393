package io.tlsduplex;

/**
 * What finishing the write half sends to the peer (the two modes of skarnet's stls engine).
 */
public enum CloseMode {
    /** Send TLS {@code close_notify}, then shut the transport's output. The usual, safe choice. */
    NOTIFY,
    /**
     * Only shut the transport's output (TCP FIN); no {@code close_notify}. The peer sees EOF and
     * must tolerate truncation (for tls-duplex peers: {@code allowTruncation(true)}).
     */
    EOF
}
