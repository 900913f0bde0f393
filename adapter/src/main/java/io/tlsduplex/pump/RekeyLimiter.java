package io.tlsduplex.pump;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Counts peer-initiated key updates and renegotiations in a sliding one-minute window: each costs
 * us key derivation (or a whole handshake), so an unbounded stream of them is a CPU-exhaustion
 * attack. Drain thread only.
 */
final class RekeyLimiter {
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final int limitPerMinute;
    private final ArrayDeque<Long> events = new ArrayDeque<>();

    RekeyLimiter(int limitPerMinute) {
        this.limitPerMinute = limitPerMinute;
    }

    /** Records one event now; returns false when it exceeds the limit. */
    boolean tryAcquire(long nowNanos) {
        while (!events.isEmpty() && nowNanos - events.peekFirst() >= WINDOW_NANOS) {
            events.pollFirst();
        }
        if (events.size() >= limitPerMinute) {
            return false;
        }
        events.addLast(nowNanos);
        return true;
    }

    int limit() {
        return limitPerMinute;
    }
}
