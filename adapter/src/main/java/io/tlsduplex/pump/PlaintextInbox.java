package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decrypted plaintext waiting for the read half: produced by the pump, consumed by the read half's
 * drain (and emptied by whoever disposes the stream, hence a multi-consumer queue). {@link #bufferedBytes()} is what the pump compares with the read buffer
 * limit before it asks the transport for more ciphertext; that is how read demand reaches the socket.
 */
final class PlaintextInbox {
    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bufferedBytes = new AtomicLong();

    /** Pump thread. */
    void add(ByteBuf plaintext) {
        bufferedBytes.addAndGet(plaintext.readableBytes());
        queue.offer(plaintext);
    }

    /** Read half's drain. Returns null when empty. */
    ByteBuf poll() {
        ByteBuf b = queue.poll();
        if (b != null) {
            bufferedBytes.addAndGet(-b.readableBytes());
        }
        return b;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** Releases what nobody will read. Safe against a concurrent {@link #poll()}. */
    void release() {
        ByteBuf b;
        while ((b = poll()) != null) {
            b.release();
        }
    }
}
