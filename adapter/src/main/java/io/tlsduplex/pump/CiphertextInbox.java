package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import reactor.util.concurrent.Queues;

/**
 * Ciphertext received from the transport and not yet unwrapped, presented to the engine the way it
 * can take it.
 *
 * <p>Two parts: {@link #offer} is called by the transport's thread and only enqueues; everything
 * else runs on the pump's drain thread. Whole records are unwrapped straight from the transport's
 * buffers, without a copy. A TLS record cut by a read boundary needs more care:
 * <ul>
 * <li>an engine with one source buffer per {@code unwrap} (the JDK's) needs the record contiguous,
 *     so that record, and only it, is copied into one buffer; the records behind it are unwrapped
 *     from the transport's buffer again;
 * <li>netty-tcnative's OpenSSL engines take several source buffers in one {@code unwrap}, so the
 *     chunks stay side by side, up to {@link #GATHERED_CHUNKS}, and are merged only past that
 *     (a record cut into many small reads).
 * </ul>
 * Over TCP a read of up to 64 KiB nearly always cuts a record of 16 KiB; merging every read behind
 * the cut, as this class did before, copied almost every byte received once more (26 us per MiB,
 * 3% of the CPU of OpenSSL TLS 1.2 both ways; docs/benchmarks.md).
 */
final class CiphertextInbox {
    /**
     * Chunks handed to a gathering engine in one {@code unwrap} (a record needing more is merged),
     * and, for every engine, the most chunks held while the next record is still incomplete.
     */
    static final int GATHERED_CHUNKS = 4;
    /** Largest TLS ciphertext record: 2^14 plaintext plus 2048 (TLS 1.2 expansion limit). */
    static final int MAX_RECORD_BYTES = 16384 + 2048;
    private static final int MERGED_MIN_CAPACITY = 32 * 1024;

    private final Queue<ByteBuf> arrivals = Queues.<ByteBuf>unboundedMultiproducer().get();
    private final ByteBufAllocator alloc;
    /** Non-null when the engine unwraps from several source buffers at once. */
    private final ReferenceCountedOpenSslEngine gathering;

    // Drain thread only.
    /** The unread ciphertext, oldest first; every chunk readable. */
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(GATHERED_CHUNKS + 1);
    /**
     * Whether the first chunk is a buffer this inbox allocated (merged into), not a transport's. Set
     * only by {@link #mergeFirst}; cleared wherever the first chunk is dropped, so false when empty.
     */
    private boolean headOwned;
    /** Sum of the readable bytes of {@link #chunks}. */
    private int readable;
    /** Source arrays for a gathering unwrap, by length (index 0 unused): no allocation per call. */
    private final ByteBuffer[][] sources = new ByteBuffer[GATHERED_CHUNKS + 1][];
    private final ByteBuffer[] destination = new ByteBuffer[1];

    CiphertextInbox(ByteBufAllocator alloc, SSLEngine engine) {
        this.alloc = alloc;
        this.gathering = engine instanceof ReferenceCountedOpenSslEngine e ? e : null;
        for (int n = 1; n <= GATHERED_CHUNKS; n++) {
            sources[n] = new ByteBuffer[n];
        }
    }

    /** Any thread. Takes ownership of {@code chunk}. */
    void offer(ByteBuf chunk) {
        arrivals.offer(chunk);
    }

    /** Moves every arrival behind the unread ciphertext; returns whether anything arrived. */
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
        chunks.addLast(in);
        readable += in.readableBytes();
        if (chunks.size() > GATHERED_CHUNKS && !worthUnwrapping()) {
            // a record trickling in, read by read: hold one growing buffer, not a chunk per read
            mergeFirst(readable);
        }
    }

    /**
     * Makes the first chunk hold the next {@code bytes} bytes (all of them, or one record) by copying
     * just those bytes into it: into the first chunk itself when this inbox allocated it and it has
     * room, else into a new buffer. The chunks they came from are released once emptied; the rest
     * of the last one stays where it is, so the records behind it are unwrapped without a copy.
     */
    private void mergeFirst(int bytes) {
        ByteBuf head = chunks.pollFirst();
        int missing = bytes - head.readableBytes();
        ByteBuf target;
        if (headOwned && head.refCnt() == 1 && head.maxWritableBytes() >= missing) {
            head.discardSomeReadBytes();
            target = head;
        } else {
            target = alloc.buffer(Math.max(bytes, MERGED_MIN_CAPACITY));
            target.writeBytes(head);
            head.release();
        }
        while (missing > 0) {
            ByteBuf next = chunks.peekFirst();
            int take = Math.min(missing, next.readableBytes());
            target.writeBytes(next, take);
            missing -= take;
            if (!next.isReadable()) {
                chunks.pollFirst().release();
            }
        }
        chunks.addFirst(target);
        headOwned = true;
    }

    /** How many chunks, from the first, hold the next {@code bytes} bytes. */
    private int chunksHolding(int bytes) {
        int count = 0;
        for (ByteBuf c : chunks) {
            count++;
            bytes -= c.readableBytes();
            if (bytes <= 0) {
                break;
            }
        }
        return count;
    }

    int readableBytes() {
        return readable;
    }

    /**
     * One {@code unwrap} of the next record into {@code dst}, after {@link #worthUnwrapping} said
     * yes; the caller reports the bytes consumed with {@link #consumed}. A record in one chunk goes
     * through the standard call; one cut across chunks goes as those chunks side by side to a
     * gathering engine, else (or past {@link #GATHERED_CHUNKS}) the record is copied into one first.
     */
    SSLEngineResult unwrap(SSLEngine engine, ByteBuffer dst) throws SSLException {
        int span = 1;
        if (chunks.size() > 1) {
            // a malformed header goes to the engine whole (its 5 bytes), so the engine fails on it
            int recordBytes = plausibleHeader() ? 5 + recordLength(0) : 5;
            span = chunksHolding(recordBytes);
            if (span > (gathering != null ? GATHERED_CHUNKS : 1)) {
                mergeFirst(recordBytes);
                span = 1;
            }
        }
        if (span == 1) {
            ByteBuf head = chunks.peekFirst();
            return engine.unwrap(NioViews.of(head, head.readerIndex(), head.readableBytes()), dst);
        }
        ByteBuffer[] src = sources[span];
        int i = 0;
        for (ByteBuf c : chunks) {
            if (i == span) {
                break;
            }
            // nioBuffer, not the internal view: two chunks may be slices of one transport buffer
            src[i++] = c.nioBuffer(c.readerIndex(), c.readableBytes());
        }
        destination[0] = dst;
        try {
            return gathering.unwrap(src, destination);
        } finally {
            Arrays.fill(src, null);
            destination[0] = null;
        }
    }

    void consumed(int bytes) {
        readable -= bytes;
        while (bytes > 0) {
            ByteBuf head = chunks.peekFirst();
            int take = Math.min(bytes, head.readableBytes());
            head.skipBytes(take);
            bytes -= take;
            if (!head.isReadable()) {
                // An idle connection must not keep the transport's last read buffer (a 2-16 KiB
                // pooled chunk per connection): nothing waits in it any more.
                chunks.pollFirst().release();
                headOwned = false;
            }
        }
    }

    /** The unsigned byte {@code offset} bytes into the unread ciphertext; {@code offset < readable}. */
    private int byteAt(int offset) {
        ByteBuf head = chunks.peekFirst();
        if (offset < head.readableBytes()) {
            return head.getUnsignedByte(head.readerIndex() + offset);
        }
        for (ByteBuf c : chunks) {
            int n = c.readableBytes();
            if (offset < n) {
                return c.getUnsignedByte(c.readerIndex() + offset);
            }
            offset -= n;
        }
        throw new IndexOutOfBoundsException("offset " + offset + " past the buffered ciphertext");
    }

    /** The length a record header at {@code offset} declares; needs 5 readable bytes there. */
    private int recordLength(int offset) {
        return (byteAt(offset + 3) << 8) | byteAt(offset + 4);
    }

    /**
     * Whether {@code unwrap} can make progress: a whole TLS record (5-byte header plus its declared
     * length) is buffered, or the header is malformed so the engine should see it and fail now
     * instead of the pump waiting for bytes that will never make a record.
     */
    boolean worthUnwrapping() {
        if (readable < 5) {
            return false;
        }
        return !plausibleHeader() || readable >= 5 + recordLength(0);
    }

    /** Whether the next 5 bytes (buffered) are a TLS record header the engine could accept. */
    private boolean plausibleHeader() {
        int type = byteAt(0);
        return type >= 20 && type <= 24 && recordLength(0) <= MAX_RECORD_BYTES;
    }

    /**
     * The length the next record's header declares when it is a TLS record type with more bytes
     * than any TLS version allows, else -1. The JDK engine does not reject such a header itself: it
     * accepts "large records" up to about 33 KB and waits for their bytes, so a peer could stall us.
     */
    int oversizedRecordLength() {
        if (readable < 5) {
            return -1;
        }
        int type = byteAt(0);
        int length = recordLength(0);
        return type >= 20 && type <= 24 && length > MAX_RECORD_BYTES ? length : -1;
    }

    /**
     * Sum of the lengths of the whole records buffered, up to {@code cap}: an upper bound of the
     * plaintext they hold, so the pump can size the plaintext buffer to the data instead of to 16 KiB.
     */
    int wholeRecordBytes(int cap) {
        int offset = 0;
        int total = 0;
        while (readable - offset >= 5 && total < cap) {
            int length = recordLength(offset);
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
        ByteBuf c;
        while ((c = chunks.pollFirst()) != null) {
            c.release();
        }
        readable = 0;
        headOwned = false;
        while ((c = arrivals.poll()) != null) {
            c.release();
        }
    }
}
