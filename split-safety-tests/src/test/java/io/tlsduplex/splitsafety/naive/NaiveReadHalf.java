package io.tlsduplex.splitsafety.naive;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The naive read half: unwraps on its own, only while it has demand; when the engine wants a wrap it
 * parks and waits for the write half (see {@link NaiveSplitTls}).
 */
final class NaiveReadHalf {
    private final NaiveSplitTls tls;
    private final AtomicReference<Reading> active = new AtomicReference<>();

    NaiveReadHalf(NaiveSplitTls tls) {
        this.tls = tls;
    }

    Flux<ByteBuf> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
                Reading r = new Reading(actual);
                if (!active.compareAndSet(null, r)) {
                    Operators.error(actual, new IllegalStateException("the naive read half already has a subscriber"));
                    return;
                }
                actual.onSubscribe(r);
                r.drain();
            }
        };
    }

    void wake() {
        Reading r = active.get();
        if (r != null) {
            r.drain();
        }
    }

    String describe() {
        Reading r = active.get();
        return r == null ? "reader=idle" : "reader{requested=" + r.requested.get() + "}";
    }

    private final class Reading implements Subscription {
        private final CoreSubscriber<? super ByteBuf> actual;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        private volatile boolean cancelled;
        private boolean done;

        Reading(CoreSubscriber<? super ByteBuf> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndUpdate(r -> Operators.addCap(r, n));
                drain();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            active.compareAndSet(this, null);
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                readWhileDemanded();
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void readWhileDemanded() {
            while (!done && !cancelled) {
                Object end = tls.readEnd();
                if (end != null) {
                    terminate(end);
                    return;
                }
                if (requested.get() == 0) {
                    return; // no demand, no reading: the naive half honours demand all the way down
                }
                NaiveSplitTls.Unwrapped u;
                try {
                    u = tls.unwrapStep(this::drain);
                } catch (Throwable t) {
                    tls.fail(t);
                    continue;
                }
                switch (u.step()) {
                    case PLAINTEXT -> {
                        if (requested.get() != Long.MAX_VALUE) {
                            requested.decrementAndGet();
                        }
                        if (cancelled) {
                            u.plaintext().release(); // cancelled while unwrapping: nobody will release it
                            return;
                        }
                        actual.onNext(u.plaintext());
                        tls.wakeParked(); // a write half parked on "needs read" may go on
                    }
                    case PROGRESS -> tls.wakeParked();
                    case CLOSED, FAILED -> {
                        // terminal: the loop's readEnd() check ends it
                    }
                    default -> {
                        return; // waiting for ciphertext, a task, or the write half
                    }
                }
            }
        }

        private void terminate(Object end) {
            done = true;
            active.compareAndSet(this, null);
            if (end == NaiveSplitTls.CLOSED) {
                actual.onComplete();
            } else {
                actual.onError((Throwable) end);
            }
        }
    }
}
