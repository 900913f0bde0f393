package io.tlsduplex.bench.support;

/**
 * A way to make connections on this machine: a server and clients that connect to it, all in this
 * JVM. The server end either counts what it receives (bulk runs) or echoes it back (round trips).
 */
public interface Stack extends AutoCloseable {

    /** Opens one connection, waits for its handshake, and returns its client end. */
    End connect();

    /** The server's port; -1 for in-memory stacks. */
    default int port() {
        return -1;
    }

    /** The server end of the connection {@link #connect()} just returned (null for a client-only stack). */
    End lastAccepted();

    /** Closes every connection and the server. */
    @Override
    void close();
}
