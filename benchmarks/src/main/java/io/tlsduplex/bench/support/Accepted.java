package io.tlsduplex.bench.support;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Server ends as a stack's server accepts them (any thread), taken in order by {@code connect()}. */
final class Accepted<E> {
    private static final int LIMIT_SECONDS = 30;
    private final BlockingQueue<E> ends = new LinkedBlockingQueue<>();

    void add(E end) {
        ends.add(end);
    }

    /** The next accepted end; fails if the server accepted nothing within 30 s. */
    E next() {
        try {
            E end = ends.poll(LIMIT_SECONDS, TimeUnit.SECONDS);
            if (end == null) {
                throw new IllegalStateException("the server did not accept the connection within " + LIMIT_SECONDS + " s");
            }
            return end;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
