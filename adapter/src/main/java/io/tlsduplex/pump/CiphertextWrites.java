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
    /** Offset of the first byte of the earliest failed write, or Long.MAX_VALUE. */
    private final AtomicLong firstFailedStart = new AtomicLong(Long.MAX_VALUE);
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

    /** Any thread: the write of the bytes from {@code start} failed (they count as confirmed all the same). */
    void failed(long start) {
        firstFailedStart.accumulateAndGet(start, Math::min);
    }

    /** Whether the first {@code offset} bytes ever handed off were all written without a failure. */
    boolean writtenUpTo(long offset) {
        return confirmed.get() >= offset && firstFailedStart.get() >= offset;
    }

    /** Drain thread: settles every waiting barrier as done (nothing they wait for can matter any more). */
    void completeAll() {
        Barrier b;
        while ((b = barriers.pollFirst()) != null) {
            b.completion().complete(null);
        }
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
