package io.tlsduplex.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The byte stream under a TLS stream: the only I/O the pump does. Modelled on a Netty channel with
 * auto-read off: the pump asks for one {@link #read()} at a time and is told when it completed;
 * each {@link #write} reports its completion, which is how the pump sees backpressure.
 *
 * <p>Threading: the pump calls every method from whichever thread runs its drain loop (never two at
 * once). The transport may call the {@link Listener} from any thread, but never two of its methods
 * at once for the same read, and never synchronously in a way that requires the caller to wait.
 * Implementations must not block.
 */
public interface CiphertextTransport {

    /** Allocator for ciphertext and plaintext buffers of this connection. */
    ByteBufAllocator alloc();

    /** The peer's host for SNI and verification when the options name none; null if unknown. */
    default String peerHost() {
        return null;
    }

    /** The peer's port, or -1. */
    default int peerPort() {
        return -1;
    }

    /** Whether ciphertext handed to {@link #write} should be in direct buffers (a socket). */
    default boolean prefersDirectBuffers() {
        return false;
    }

    /**
     * The thread the pump should run on, or null (the default) to run it on whichever thread
     * signals it. A transport that returns one must also deliver its events on it.
     */
    default TransportThread thread() {
        return null;
    }

    /** Called once, before any other method: where received ciphertext and transport events go. */
    void start(Listener listener);

    /**
     * Asks for the next batch of ciphertext: the transport then calls {@link Listener#onCiphertext}
     * zero or more times followed by {@link Listener#onReadComplete()}, or ends with
     * {@link Listener#onEof()} / {@link Listener#onError}. The pump never has two reads outstanding.
     */
    void read();

    /**
     * Writes ciphertext; the transport owns {@code ciphertext} from now on and releases it.
     * {@code done} is called once the bytes are handed to the medium (or failed).
     */
    void write(ByteBuf ciphertext, WriteListener done);

    /** Half-close: no more writes; the peer sees end-of-stream. Reads go on. */
    void shutdownOutput();

    /** Closes both directions and releases the transport's resources. Idempotent. */
    void close();

    /** Where a transport delivers what it read. */
    interface Listener {
        /** Received ciphertext; the listener owns {@code chunk}. */
        void onCiphertext(ByteBuf chunk);

        /** The read asked for by {@link CiphertextTransport#read()} is over. */
        void onReadComplete();

        /** The peer will send no more (TCP FIN or the in-memory writer's shutdown). */
        void onEof();

        /** The transport failed; no further events follow. */
        void onError(Throwable error);
    }

    /** Completion of one {@link CiphertextTransport#write}. */
    @FunctionalInterface
    interface WriteListener {
        /** {@code error} is null on success. */
        void onWriteComplete(Throwable error);
    }
}
