package io.tlsduplex.pump;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accounting of ciphertext handed to the transport: how much is in flight (the write window, the
 * pump's backpressure signal) and which flush barriers wait for it.
 *
 * <p>{@code handedOff} and the barrier deque are touched by the drain thread only;
 * {@code confirmed} is advanced by the transport's write completions on any thread.
 */
final class CiphertextWrites {
    private record Barrier(long target, Completion completion) { }

    private final AtomicLong confirmed = new AtomicLong();
    private final ArrayDeque<Barrier> barriers = new ArrayDeque<>();
    private long handedOff;

    /** Drain thread: {@code bytes} were just handed to the transport. */
    void handedOff(int bytes) {
        handedOff += bytes;
    }

    /** Any thread: the transport confirmed {@code bytes}. */
    void confirmed(int bytes) {
        confirmed.addAndGet(bytes);
    }

    /** Ciphertext handed off and not yet confirmed. */
    long inFlight() {
        return handedOff - confirmed.get();
    }

    /** Drain thread: {@code completion} runs once everything handed off so far is confirmed. */
    void afterConfirmed(Completion completion) {
        barriers.add(new Barrier(handedOff, completion));
    }

    /** Drain thread: runs the barriers whose bytes are all confirmed. */
    boolean completeConfirmed() {
        long done = confirmed.get();
        boolean any = false;
        Barrier b;
        while ((b = barriers.peekFirst()) != null && b.target() <= done) {
            barriers.pollFirst();
            b.completion().complete(null);
            any = true;
        }
        return any;
    }

    /** Drain thread: fails every waiting barrier. */
    void failAll(Throwable cause) {
        Barrier b;
        while ((b = barriers.pollFirst()) != null) {
            b.completion().complete(cause);
        }
    }

    long totalHandedOff() {
        return handedOff;
    }
}
