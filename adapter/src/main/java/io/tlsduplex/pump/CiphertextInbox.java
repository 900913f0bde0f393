package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Queue;
import reactor.util.concurrent.Queues;

/**
 * Ciphertext received from the transport and not yet unwrapped.
 *
 * <p>Two parts: {@link #offer} is called by the transport's thread and only enqueues; everything
 * else runs on the pump's drain thread, which merges arrivals into one cumulation buffer so a TLS
 * record split across reads is contiguous for {@code SSLEngine.unwrap}. A buffer that arrives when
 * the cumulation is empty becomes the cumulation itself, so whole records are unwrapped straight
 * from the transport's buffer without a copy.
 */
final class CiphertextInbox {
    private final Queue<ByteBuf> arrivals = Queues.<ByteBuf>unboundedMultiproducer().get();
    private final ByteBufAllocator alloc;

    // Drain thread only.
    private ByteBuf cumulation;
    private boolean cumulationOwned;

    CiphertextInbox(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Any thread. Takes ownership of {@code chunk}. */
    void offer(ByteBuf chunk) {
        arrivals.offer(chunk);
    }

    /** Moves every arrival into the cumulation; returns whether anything arrived. */
    boolean collectArrivals() {
        boolean any = false;
        ByteBuf in;
        while ((in = arrivals.poll()) != null) {
            any = true;
            append(in);
        }
        return any;
    }

    private void append(ByteBuf in) {
        if (!in.isReadable()) {
            in.release();
            return;
        }
        if (cumulation == null || !cumulation.isReadable()) {
            if (cumulation != null) {
                cumulation.release();
            }
            cumulation = in;
            cumulationOwned = false;
            return;
        }
        int needed = in.readableBytes();
        if (cumulationOwned && cumulation.refCnt() == 1 && cumulation.maxWritableBytes() >= needed) {
            cumulation.discardSomeReadBytes();
            cumulation.writeBytes(in);
            in.release();
            return;
        }
        ByteBuf merged = alloc.buffer(Math.max(cumulation.readableBytes() + needed, 32 * 1024));
        merged.writeBytes(cumulation).writeBytes(in);
        cumulation.release();
        in.release();
        cumulation = merged;
        cumulationOwned = true;
    }

    int readableBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** A view of the unread ciphertext for {@code unwrap}; valid until the next mutation. */
    ByteBuffer view() {
        return NioViews.of(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
    }

    void consumed(int bytes) {
        cumulation.skipBytes(bytes);
        if (!cumulation.isReadable()) {
            // An idle connection must not keep the transport's last read buffer (a 2-16 KiB pooled
            // chunk per connection): nothing waits in it any more.
            cumulation.release();
            cumulation = null;
        }
    }

    /** Largest TLS ciphertext record: 2^14 plaintext plus 2048 (TLS 1.2 expansion limit). */
    static final int MAX_RECORD_BYTES = 16384 + 2048;

    /**
     * Whether {@code unwrap} can make progress: a whole TLS record (5-byte header plus its declared
     * length) is buffered, or the header is malformed so the engine should see it and fail now
     * instead of the pump waiting for bytes that will never make a record.
     */
    boolean worthUnwrapping() {
        int readable = readableBytes();
        if (readable < 5) {
            return false;
        }
        int ri = cumulation.readerIndex();
        int type = cumulation.getUnsignedByte(ri);
        int length = cumulation.getUnsignedShort(ri + 3);
        boolean plausible = type >= 20 && type <= 24 && length <= MAX_RECORD_BYTES;
        return !plausible || readable >= 5 + length;
    }

    /**
     * The length the next record's header declares when it is a TLS record type with more bytes
     * than any TLS version allows, else -1. The JDK engine does not reject such a header itself: it
     * accepts "large records" up to about 33 KB and waits for their bytes, so a peer could stall us.
     */
    int oversizedRecordLength() {
        if (readableBytes() < 5) {
            return -1;
        }
        int ri = cumulation.readerIndex();
        int type = cumulation.getUnsignedByte(ri);
        int length = cumulation.getUnsignedShort(ri + 3);
        return type >= 20 && type <= 24 && length > MAX_RECORD_BYTES ? length : -1;
    }

    /**
     * Sum of the lengths of the whole records buffered, up to {@code cap}: an upper bound of the
     * plaintext they hold, so the pump can size the plaintext buffer to the data instead of to 16 KiB.
     */
    int wholeRecordBytes(int cap) {
        int readable = readableBytes();
        int ri = cumulation == null ? 0 : cumulation.readerIndex();
        int offset = 0;
        int total = 0;
        while (readable - offset >= 5 && total < cap) {
            int length = cumulation.getUnsignedShort(ri + offset + 3);
            if (readable - offset < 5 + length) {
                break;
            }
            total += length;
            offset += 5 + length;
        }
        return total;
    }

    /** Drain thread, or after the pump stopped: releases everything. */
    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        ByteBuf in;
        while ((in = arrivals.poll()) != null) {
            in.release();
        }
    }
}
