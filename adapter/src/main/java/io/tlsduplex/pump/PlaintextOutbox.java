package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import reactor.util.concurrent.Queues;

/**
 * Plaintext and ordered markers from the write half, waiting to be wrapped.
 *
 * <p>{@link #offer} may be called from any thread. Everything else runs on the pump's drain
 * thread, which stages arrivals in a local deque so that several small buffers can be gathered
 * into one TLS record.
 */
final class PlaintextOutbox {

    /** One thing the write half queued, in the order it queued them. */
    sealed interface Entry permits Data, FlushBarrier, Finish, Rekey { }

    /** Plaintext, owned by the outbox until wrapped. */
    record Data(ByteBuf buf, PlaintextSource source) implements Entry { }

    /** Completes once every byte queued before it has been written to the transport. */
    record FlushBarrier(Completion completion) implements Entry { }

    /** Closes the output (close_notify or EOF) after everything queued before it. */
    record Finish(Completion completion) implements Entry { }

    /**
     * A key update (TLS 1.3) or renegotiation (TLS 1.2) asked by our side, in order with the
     * writes and the finish around it: a key update asked before {@code finish()} happens before it.
     */
    record Rekey(boolean keyUpdate, Completion completion) implements Entry { }

    private static final int MAX_GATHER_BUFFERS = 16;

    private final Queue<Entry> arrivals = Queues.<Entry>unboundedMultiproducer().get();

    // Drain thread only.
    private final ArrayDeque<Entry> staged = new ArrayDeque<>();
    private final List<ByteBuffer> gathered = new ArrayList<>(MAX_GATHER_BUFFERS);
    /** One reusable array per gather size (wrap reads them during the call only). */
    private final ByteBuffer[][] arrays = new ByteBuffer[MAX_GATHER_BUFFERS + 1][];

    {
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new ByteBuffer[i];
        }
    }
    /** Whether plaintext was dropped (output closed) after the last flush barrier; drain thread only. */
    private boolean droppedSinceBarrier;

    /** Any thread. */
    void offer(Entry entry) {
        arrivals.offer(entry);
    }

    private void collect() {
        Entry e;
        while ((e = arrivals.poll()) != null) {
            staged.add(e);
        }
    }

    /** The next entry, or null. */
    Entry peek() {
        collect();
        return staged.peekFirst();
    }

    /** Removes the head entry, which must be a marker. */
    Entry pollMarker() {
        Entry e = staged.pollFirst();
        if (e instanceof Data) {
            throw new IllegalStateException("head of the outbox is data, not a marker");
        }
        return e;
    }

    /** The leading plaintext buffers, up to about {@code maxBytes}, as one gather array for {@code wrap}. */
    ByteBuffer[] gather(int maxBytes) {
        gathered.clear();
        int total = 0;
        for (Entry e : staged) {
            if (!(e instanceof Data d) || total >= maxBytes || gathered.size() >= MAX_GATHER_BUFFERS) {
                break;
            }
            ByteBuf b = d.buf();
            if (gathered.isEmpty() && b.nioBufferCount() == 1) {
                // Only the first: two entries may share one underlying buffer (slices, or the same
                // ByteBuf sent twice), and they would then share its one internal view.
                gathered.add(NioViews.of(b, b.readerIndex(), b.readableBytes()));
            } else if (b.nioBufferCount() == 1) {
                gathered.add(b.nioBuffer());
            } else {
                for (ByteBuffer part : b.nioBuffers()) {
                    gathered.add(part);
                }
            }
            total += b.readableBytes();
        }
        int n = gathered.size();
        if (n < arrays.length) {
            ByteBuffer[] reused = arrays[n];
            return gathered.toArray(reused);
        }
        return gathered.toArray(new ByteBuffer[0]);
    }

    /** Advances past {@code bytes} wrapped bytes, releasing and reporting fully wrapped buffers. */
    void consumed(int bytes) {
        while (bytes > 0 || headIsEmptyData()) {
            Data d = (Data) staged.peekFirst();
            int n = Math.min(bytes, d.buf().readableBytes());
            d.buf().skipBytes(n);
            bytes -= n;
            if (!d.buf().isReadable()) {
                staged.pollFirst();
                d.buf().release();
                d.source().onTaken();
            }
        }
    }

    private boolean headIsEmptyData() {
        return staged.peekFirst() instanceof Data d && !d.buf().isReadable();
    }

    /** Bytes of the leading plaintext entries (up to the first marker), counted up to about {@code cap}. */
    int leadingDataBytes(int cap) {
        collect();
        int total = 0;
        for (Entry e : staged) {
            if (!(e instanceof Data d) || total >= cap) {
                break;
            }
            total += d.buf().readableBytes();
        }
        return total;
    }

    /** Whether the head entry is plaintext. */
    boolean headIsData() {
        return peek() instanceof Data;
    }

    /**
     * The output closed while entries waited: plaintext is released (it can never be sent); a flush
     * barrier fails with {@code why} if plaintext queued before it was dropped, and otherwise is
     * handed to {@code whenConfirmed} (its bytes all left before the close); a finish succeeds
     * (the output is closed, as asked).
     */
    void drainClosed(Throwable why, java.util.function.Consumer<Completion> whenConfirmed) {
        collect();
        Entry e;
        while ((e = staged.pollFirst()) != null) {
            if (e instanceof Data d) {
                d.buf().release();
                droppedSinceBarrier = true;
            } else if (e instanceof Rekey k) {
                k.completion().complete(why);
            } else if (e instanceof FlushBarrier f) {
                if (droppedSinceBarrier) {
                    f.completion().complete(why);
                } else {
                    whenConfirmed.accept(f.completion());
                }
                droppedSinceBarrier = false;
            } else if (e instanceof Finish f) {
                f.completion().complete(null);
            }
        }
    }

    /** Releases all plaintext and fails all markers; on the drain thread after the pump stopped. */
    void failAll(Throwable cause) {
        collect();
        Entry e;
        while ((e = staged.pollFirst()) != null) {
            if (e instanceof Data d) {
                d.buf().release();
            } else if (e instanceof FlushBarrier f) {
                f.completion().complete(cause);
            } else if (e instanceof Finish f) {
                f.completion().complete(cause);
            } else if (e instanceof Rekey k) {
                k.completion().complete(cause);
            }
        }
    }
}
