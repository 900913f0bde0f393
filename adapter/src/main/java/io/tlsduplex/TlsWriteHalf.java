package io.tlsduplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.pump.PlaintextSource;
import io.tlsduplex.pump.TlsPump;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The write half: sends plaintext publishers. It never touches the {@code SSLEngine}; it queues
 * plaintext for the pump and is woken after every pump run.
 *
 * <p>Threading: {@link #send} may be called and subscribed from any thread; the publisher may
 * emit from any thread. One send at a time: subscribing a second while one is in progress fails
 * that second one with {@link IllegalStateException} (chain them with {@code then}).
 * Backpressure: the half requests {@link TlsOptions#sendPrefetch()} buffers ahead and replenishes
 * only as the pump wraps them; the pump wraps only while the transport's write window has room.
 */
public final class TlsWriteHalf {
    private final TlsPump pump;
    private final int prefetch;
    private final AtomicReference<SendSubscriber> active = new AtomicReference<>();

    TlsWriteHalf(TlsPump pump, int prefetch) {
        this.pump = pump;
        this.prefetch = prefetch;
    }

    /**
     * Sends every buffer of {@code data}; the stream takes ownership of each and releases it once
     * wrapped. The returned {@link Mono} completes when the last byte has been encrypted and handed
     * to the transport (its write completed), or fails with the stream's error.
     * Cancelling it stops taking buffers; the ones already taken are still sent.
     *
     * <p>If the output closes while the publisher is still open (a TLS 1.2 peer's close_notify, or
     * {@link #finish()}), the send fails with {@link TlsClosedException} as soon as the publisher
     * emits again, and completes if the publisher completes without emitting: it fails exactly when
     * bytes it gave could not be sent. If the stream fails, the send fails at once.
     */
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                SendSubscriber s = new SendSubscriber(actual);
                if (!active.compareAndSet(null, s)) {
                    Operators.error(actual, new IllegalStateException(
                            "the write half is busy: another send() is in progress"));
                    return;
                }
                Throwable closed = pump.outputClosed();
                if (closed != null) {
                    active.compareAndSet(s, null);
                    discard(data);
                    Operators.error(actual, closed);
                    return;
                }
                actual.onSubscribe(s);
                data.subscribe(s);
            }
        };
    }

    /**
     * The output is closed, but the buffers are ours all the same (we took ownership by accepting
     * the publisher): release what it emits. Bounded, so an endless synchronous source cannot hold
     * the caller; beyond that, Reactor's discard hooks are the publisher's business.
     */
    private static void discard(Publisher<? extends ByteBuf> data) {
        data.subscribe(new org.reactivestreams.Subscriber<ByteBuf>() {
            private static final int MAX_DISCARDED = 10_000;
            private Subscription upstream;
            private int discarded;

            @Override
            public void onSubscribe(Subscription s) {
                upstream = s;
                s.request(MAX_DISCARDED);
            }

            @Override
            public void onNext(ByteBuf buf) {
                buf.release();
                if (++discarded == MAX_DISCARDED) {
                    upstream.cancel();
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
    }

    /** {@link #send} for byte arrays (wrapped, not copied: do not modify them afterwards). */
    public Mono<Void> sendBytes(Publisher<byte[]> data) {
        return send(Flux.from(data).map(Unpooled::wrappedBuffer));
    }

    /** {@link #send} for text. */
    public Mono<Void> sendString(Publisher<String> data, Charset charset) {
        return send(Flux.from(data).map(s -> Unpooled.wrappedBuffer(s.getBytes(charset))));
    }

    /**
     * Finishes the write half after everything already sent: {@code close_notify} then a shutdown
     * of the transport's output ({@link CloseMode#NOTIFY}), or only the shutdown
     * ({@link CloseMode#EOF}). The read half goes on until the peer closes. Completes when done.
     */
    public Mono<Void> finish() {
        return Mono.create(sink -> pump.offerFinish(error -> {
            if (error == null) {
                sink.success();
            } else {
                sink.error(error);
            }
        }));
    }

    /**
     * The fan-out waker's entry: called by the pump after every run. A failed stream fails the
     * active send at once. A closed output does not: the send fails if its publisher emits again
     * (those bytes cannot be sent) and succeeds if it completes (everything it gave was sent), which
     * is what a TLS 1.2 peer that closes right after the last byte needs.
     */
    void wake() {
        SendSubscriber s = active.get();
        if (s != null) {
            Throwable failure = pump.failure();
            if (failure != null) {
                s.abort(failure);
            }
        }
    }

    private final class SendSubscriber implements CoreSubscriber<ByteBuf>, Subscription, PlaintextSource {
        private static final AtomicIntegerFieldUpdater<SendSubscriber> DONE =
                AtomicIntegerFieldUpdater.newUpdater(SendSubscriber.class, "done");

        private final CoreSubscriber<? super Void> actual;
        private final int replenishAt = Math.max(1, prefetch / 2);
        private volatile Subscription upstream;
        /** 1 once the downstream got its terminal signal. */
        private volatile int done;
        private volatile boolean upstreamDone;
        /** Buffers wrapped since the last request upstream; pump thread only. */
        private int takenSinceRequest;
        /**
         * The thread inside the first {@code request} upstream (in {@link #onSubscribe}), or null.
         * Plain, as {@code TlsPump.drainer}: only that thread writes its own name here and clears it
         * before it leaves, so {@code requesting == currentThread} is exact without a fence.
         */
        private Thread requesting;

        SendSubscriber(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                // A synchronous publisher emits its first batch inside this call. Queue that batch
                // and run the pump once after it, so that it wraps full records across buffers;
                // running it per buffer would wrap each alone (with the JDK's TLS 1.3 engine a
                // 16 KiB buffer is then two records, the second of 17 bytes).
                requesting = Thread.currentThread();
                try {
                    s.request(prefetch);
                } finally {
                    requesting = null;
                }
                pump.signal(); // for what arrived inside the call (a spare run if nothing did)
            }
        }

        @Override
        public void onNext(ByteBuf buf) {
            if (done != 0 || upstreamDone) {
                buf.release();
                return;
            }
            Throwable closed = pump.outputClosed();
            if (closed != null) {
                buf.release();
                abort(closed);
                return;
            }
            if (requesting == Thread.currentThread()) {
                pump.queuePlaintext(buf, this); // onSubscribe signals once the request returns
            } else {
                pump.offerPlaintext(buf, this);
            }
        }

        @Override
        public void onError(Throwable t) {
            upstreamDone = true;
            finish(t);
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            pump.offerFlushBarrier(this::finish);
        }

        @Override
        public void onTaken() {
            if (++takenSinceRequest >= replenishAt && done == 0 && !upstreamDone) {
                int n = takenSinceRequest;
                takenSinceRequest = 0;
                upstream.request(n);
            }
        }

        void abort(Throwable cause) {
            Subscription s = upstream;
            if (s != null && !upstreamDone) {
                s.cancel();
            }
            finish(cause);
        }

        private void finish(Throwable error) {
            if (DONE.compareAndSet(this, 0, 1)) {
                active.compareAndSet(this, null);
                if (error == null) {
                    actual.onComplete();
                } else {
                    actual.onError(error);
                }
            }
        }

        @Override
        public void request(long n) {
            // a Mono<Void>: nothing to deliver, demand is irrelevant
        }

        @Override
        public void cancel() {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            if (DONE.compareAndSet(this, 0, 1)) {
                active.compareAndSet(this, null);
            }
        }
    }
}
