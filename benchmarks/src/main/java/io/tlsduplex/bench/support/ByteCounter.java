package io.tlsduplex.bench.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes one end received, and lets the benchmark thread wait until a total is reached.
 * Only one waiter at a time (the benchmark thread of that connection).
 */
public final class ByteCounter {
    private record Waiter(long target, CompletableFuture<Void> done) { }

    private final AtomicLong count = new AtomicLong();
    private volatile Waiter waiter;
    private volatile Throwable failure;

    /** Any thread: {@code n} more bytes arrived. */
    public void add(long n) {
        long total = count.addAndGet(n);
        Waiter w = waiter;
        if (w != null && total >= w.target()) {
            w.done().complete(null);
        }
    }

    /** Any thread: the connection failed; the waiter (now or later) fails with it. */
    public void fail(Throwable error) {
        failure = error;
        Waiter w = waiter;
        if (w != null) {
            w.done().completeExceptionally(error);
        }
    }

    public long get() {
        return count.get();
    }

    /** Completes once the total count reaches {@code target}. */
    public CompletableFuture<Void> whenReaches(long target) {
        Waiter w = new Waiter(target, new CompletableFuture<>());
        waiter = w;
        if (count.get() >= target) {
            w.done().complete(null);
        }
        Throwable f = failure;
        if (f != null) {
            w.done().completeExceptionally(f);
        }
        return w.done();
    }

    /** Blocks the calling (benchmark) thread; a hang becomes an exception, never a stuck run. */
    public static void await(CompletableFuture<?> future, Duration limit) {
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the connection failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no progress within " + limit, e);
        }
    }
}
