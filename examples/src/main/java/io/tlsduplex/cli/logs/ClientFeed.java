package io.tlsduplex.cli.logs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * One client's bounded queue of lines. The relay offers every line to every feed without ever
 * waiting; the feed hands lines to its TLS write half only as fast as that half asks for them.
 * When the queue is full the overflow policy applies, and it is never silent: dropped lines are
 * counted, and the client gets a notice line in their place before the next line it receives.
 */
final class ClientFeed {

    enum Overflow { drop_oldest, disconnect }

    private final int capacity;
    private final Overflow overflow;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long droppedSinceNotice;
    private FluxSink<ByteBuf> sink;
    private boolean overflowed;
    private boolean closed;

    ClientFeed(int capacity, Overflow overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
    }

    /** The lines as buffers for the write half; errors with {@link Overflow#disconnect} when the queue overflows. */
    Flux<ByteBuf> lines() {
        return Flux.create(s -> {
            synchronized (this) {
                sink = s;
            }
            s.onRequest(n -> drain());
            s.onDispose(this::clear);
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /** Any thread, never blocks. Returns false if the client must be disconnected. */
    boolean offer(String line) {
        synchronized (this) {
            if (overflowed) {
                return false;
            }
            if (queue.size() >= capacity) {
                dropped.incrementAndGet();
                if (overflow == Overflow.disconnect) {
                    overflowed = true;
                    queue.clear();
                } else {
                    queue.pollFirst();
                    droppedSinceNotice++;
                }
            }
            if (!overflowed) {
                queue.addLast(line);
            }
        }
        drain();
        return !overflowed;
    }

    /** The relay shuts down: the lines already queued go out, then the feed completes. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        drain();
    }

    long sent() {
        return sent.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void drain() {
        for (;;) {
            ByteBuf next;
            FluxSink<ByteBuf> s;
            synchronized (this) {
                s = sink;
                if (s == null || s.isCancelled()) {
                    return;
                }
                if (overflowed) {
                    sink = null;
                    s.error(new IllegalStateException("too slow: more than " + capacity + " lines queued"));
                    return;
                }
                if (closed && queue.isEmpty() && droppedSinceNotice == 0) {
                    sink = null;
                    s.complete();
                    return;
                }
                if (s.requestedFromDownstream() == 0 || queue.isEmpty() && droppedSinceNotice == 0) {
                    return;
                }
                String line;
                if (droppedSinceNotice > 0) {
                    line = "tls-duplex log-fanout: " + droppedSinceNotice + " lines dropped (client too slow)";
                    droppedSinceNotice = 0;
                } else {
                    line = queue.pollFirst();
                    sent.incrementAndGet();
                }
                next = Unpooled.wrappedBuffer((line + "\n").getBytes(StandardCharsets.UTF_8));
                // emit under the lock: two threads draining must not reorder lines
                s.next(next);
            }
        }
    }

    private synchronized void clear() {
        queue.clear();
        sink = null;
    }
}
