package io.tlsduplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.tlsduplex.pump.TlsPump;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.Scannable;
import org.reactivestreams.Subscription;

/**
 * The read half: decrypted plaintext as a {@link Flux}. It never touches the {@code SSLEngine};
 * it only takes what the pump decrypted and is woken after every pump run.
 *
 * <p>Threading: {@link #receive()} may be subscribed from any thread and its demand may come from
 * any thread; {@code onNext} runs on whichever thread drains (a transport thread, the requester's
 * thread, or the pump's). One subscriber at a time: a second concurrent subscriber gets an
 * {@link IllegalStateException}. After a cancel, unread plaintext stays buffered for the next
 * subscriber (nothing is lost) and the pump stops reading once the read buffer is full.
 */
public final class TlsReadHalf {
    private final TlsPump pump;
    private final AtomicReference<ReadSubscription> active = new AtomicReference<>();

    TlsReadHalf(TlsPump pump) {
        this.pump = pump;
    }

    /**
     * Plaintext as it arrives. The subscriber owns each {@link ByteBuf} and must release it.
     * Completes when the peer sent {@code close_notify} (or EOF, with truncation allowed); fails
     * with the stream's error otherwise. Demand is honoured down to the transport: without demand
     * the pump reads at most {@link TlsOptions#readBufferBytes()} ahead.
     */
    public Flux<ByteBuf> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
                ReadSubscription s = new ReadSubscription(actual);
                if (!active.compareAndSet(null, s)) {
                    Operators.error(actual, new IllegalStateException(
                            "the read half already has a subscriber; it allows one at a time"));
                    return;
                }
                actual.onSubscribe(s);
                s.drain();
            }
        };
    }

    /** {@link #receive()} copied into arrays (buffers released for you). */
    public Flux<byte[]> receiveBytes() {
        return receive().map(b -> {
            try {
                return ByteBufUtil.getBytes(b);
            } finally {
                b.release();
            }
        });
    }

    /** {@link #receive()} decoded as text chunks (a multi-byte character may straddle two chunks). */
    public Flux<String> receiveString(Charset charset) {
        return receive().map(b -> {
            try {
                return b.toString(charset);
            } finally {
                b.release();
            }
        });
    }

    /** The fan-out waker's entry: called by the pump after every run. */
    void wake() {
        ReadSubscription s = active.get();
        // With nothing queued and no end, a drain would emit nothing: skip its two atomics. Safe to
        // skip: the pump queues plaintext (or sets the end) before it wakes, and wakes after every run.
        if (s != null && (pump.hasPlaintext() || pump.readEnd() != null)) {
            s.drain();
        }
    }

    private final class ReadSubscription implements Subscription, Scannable {
        private static final AtomicIntegerFieldUpdater<ReadSubscription> WIP =
                AtomicIntegerFieldUpdater.newUpdater(ReadSubscription.class, "wip");
        private static final AtomicLongFieldUpdater<ReadSubscription> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(ReadSubscription.class, "requested");

        private final CoreSubscriber<? super ByteBuf> actual;
        /** Serializes onNext/onComplete/onError (Reactive Streams rule 1.3). */
        private volatile int wip;
        private volatile long requested;
        private volatile boolean cancelled;
        /** Touched only inside the drain loop. */
        private boolean terminated;

        ReadSubscription(CoreSubscriber<? super ByteBuf> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            active.compareAndSet(this, null);
        }

        void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                long r = requested;
                long emitted = 0;
                while (!terminated && !cancelled) {
                    // Read the end before polling: the pump queues all plaintext before it sets the end.
                    Object end = pump.readEnd();
                    if (emitted == r) {
                        if (end != null && !pump.hasPlaintext()) {
                            terminate(end);
                        }
                        break;
                    }
                    ByteBuf b = pump.pollPlaintext();
                    if (b == null) {
                        if (end != null) {
                            terminate(end);
                        }
                        break;
                    }
                    actual.onNext(b);
                    emitted++;
                }
                if (emitted != 0 && r != Long.MAX_VALUE) {
                    REQUESTED.addAndGet(this, -emitted);
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void terminate(Object end) {
            terminated = true;
            active.compareAndSet(this, null);
            if (end == TlsPump.READ_COMPLETE) {
                actual.onComplete();
            } else {
                actual.onError((Throwable) end);
            }
        }

        @Override
        public Object scanUnsafe(Attr key) {
            if (key == Attr.CANCELLED) {
                return cancelled;
            }
            if (key == Attr.TERMINATED) {
                return terminated;
            }
            if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
                return requested;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            return null;
        }
    }
}
