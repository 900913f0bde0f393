package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;

/**
 * What the benchmarks send: duplicates of one direct buffer of random bytes. Every stack gets the
 * same buffers (direct, as a network stack's pooled buffers are), so no stack pays for producing
 * its input and each release only drops a reference count.
 */
public final class Payload {
    /** The write size of the bulk runs: one full TLS record of plaintext. */
    public static final int CHUNK = 16 * 1024;
    public static final int MIB = 1024 * 1024;

    private final ByteBuf shared;

    public Payload(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        shared = Unpooled.directBuffer(size).writeBytes(bytes);
    }

    public int size() {
        return shared.readableBytes();
    }

    /** A buffer the receiver owns (one reference), with the payload's bytes. */
    public ByteBuf next() {
        return shared.retainedDuplicate();
    }

    /** {@code count} buffers, lazily. */
    public Flux<ByteBuf> buffers(int count) {
        return Flux.range(0, count).map(i -> next());
    }

    /** The shared buffer's bytes as an NIO view (read-only use). */
    public java.nio.ByteBuffer nio() {
        return shared.nioBuffer();
    }

    public void release() {
        shared.release();
    }
}
