package io.tlsduplex.splitsafety.naive;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

/**
 * The naive write half: wraps on its own, only while a send (or finish) is in progress; when the
 * engine wants an unwrap it parks and waits for the read half (see {@link NaiveSplitTls}).
 */
final class NaiveWriteHalf {
    private final NaiveSplitTls tls;
    private final AtomicReference<Sending> active = new AtomicReference<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile MonoSink<Void> finishing;
    private volatile boolean closeNotifyWritten;

    NaiveWriteHalf(NaiveSplitTls tls) {
        this.tls = tls;
    }

    Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                Sending s = new Sending(actual);
                if (!active.compareAndSet(null, s)) {
                    Operators.error(actual, new IllegalStateException("the naive write half is busy"));
                    return;
                }
                actual.onSubscribe(s);
                data.subscribe(s);
            }
        };
    }

    Mono<Void> finish() {
        return Mono.create(sink -> {
            finishing = sink;
            wake();
        });
    }

    String describe() {
        Sending s = active.get();
        return "writer{" + (s == null ? "no send" : "sending, holding=" + (s.current != null))
                + (finishing != null ? ", finishing" : "") + "}";
    }

    /** The write half's waker: its own write completions, and whoever wakes the parked slot. */
    void wake() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            writeWhileActive();
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void writeWhileActive() {
        for (;;) {
            Sending s = active.get();
            MonoSink<Void> fin = finishing;
            if (s == null && fin == null) {
                return; // an idle write half wraps nothing: that is the naive part
            }
            ByteBuf plaintext = s == null ? null : s.current;
            boolean close = s == null && fin != null;
            NaiveSplitTls.WrapStep w;
            try {
                w = tls.wrapStep(plaintext, close, this::wake);
            } catch (Throwable t) {
                tls.fail(t);
                continue;
            }
            if (w.failed()) {
                Throwable cause;
                synchronized (tls.lock()) {
                    cause = tls.failure();
                }
                if (s != null) {
                    s.abort(cause);
                }
                if (fin != null) {
                    finishing = null;
                    fin.error(cause);
                }
                return;
            }
            if (w.ciphertext() != null) {
                if (w.outboundDone()) {
                    closeNotifyWritten = true;
                    tls.write(w.ciphertext(), () -> {
                        tls.shutdownOutput();
                        MonoSink<Void> f = finishing;
                        finishing = null;
                        if (f != null) {
                            f.success();
                        }
                    });
                } else {
                    tls.write(w.ciphertext(), this::wake);
                }
                tls.wakeParked(); // a read half parked on "needs write" may go on
            } else if (w.outboundDone() || (close && closeNotifyWritten)) {
                finishing = null;
                fin.success();
                return;
            }
            if (s != null && plaintext != null && !plaintext.isReadable() && !w.handshakeData()) {
                s.taken();
                continue;
            }
            if (s != null && plaintext == null && s.upstreamDone) {
                s.complete();
                continue;
            }
            if (!w.progress()) {
                return;
            }
        }
    }

    private final class Sending implements CoreSubscriber<ByteBuf>, Subscription {
        private final CoreSubscriber<? super Void> actual;
        private volatile Subscription upstream;
        private volatile ByteBuf current;
        private volatile boolean upstreamDone;
        private volatile boolean done;

        Sending(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuf buf) {
            if (done) {
                buf.release();
                return;
            }
            current = buf;
            wake();
        }

        @Override
        public void onError(Throwable t) {
            upstreamDone = true;
            abort(t);
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            wake();
        }

        /** Wake-loop only: the current buffer is fully wrapped. */
        void taken() {
            ByteBuf b = current;
            current = null;
            b.release();
            if (!upstreamDone && !done) {
                upstream.request(1);
            }
        }

        void complete() {
            if (!done) {
                done = true;
                active.compareAndSet(this, null);
                actual.onComplete();
            }
        }

        void abort(Throwable cause) {
            if (done) {
                return;
            }
            done = true;
            active.compareAndSet(this, null);
            Subscription s = upstream;
            if (s != null && !upstreamDone) {
                s.cancel();
            }
            ByteBuf b = current;
            current = null;
            if (b != null) {
                b.release();
            }
            actual.onError(cause);
        }

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
            abort(new java.util.concurrent.CancellationException("send cancelled"));
        }
    }
}
