package io.tlsduplex.pump;

import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The pump's clock: the handshake deadline, the idle check, and when ciphertext last moved. All on
 * the options' timer (a {@code VirtualTimeScheduler} in tests), so "idle" and "timer fired" agree.
 *
 * <p>{@link #activity()} is called from any thread (transport callbacks); the timer handles are
 * touched by {@code start} and by the drain thread only.
 */
final class PumpTimers {
    private final Scheduler timer;
    /**
     * Whether anything reads {@link #lastActivityNanos} (an idle timeout is set). Without one,
     * {@link #activity()} costs nothing: reading the clock on every record was about 1.5% of the
     * in-memory bulk run's CPU (async-profiler, docs/benchmarks.md).
     */
    private final boolean trackActivity;
    /** Written on every ciphertext arrival and write completion, from any thread. */
    private volatile long lastActivityNanos;
    private Disposable handshakeDeadline;
    private Disposable idleCheck;

    PumpTimers(Scheduler timer, boolean trackActivity) {
        this.timer = timer;
        this.trackActivity = trackActivity;
        this.lastActivityNanos = now();
    }

    long now() {
        return timer.now(TimeUnit.NANOSECONDS);
    }

    /** Ciphertext moved in or out. */
    void activity() {
        if (trackActivity) {
            lastActivityNanos = now();
        }
    }

    /** Time since the last activity; meaningful only when activity is tracked (an idle timeout is set). */
    long idleMillis() {
        return (now() - lastActivityNanos) / 1_000_000;
    }

    /** {@code onDeadline} runs (on the timer) once {@code millis} have passed, unless cancelled. */
    void startHandshakeDeadline(long millis, Runnable onDeadline) {
        handshakeDeadline = timer.schedule(onDeadline, millis, TimeUnit.MILLISECONDS);
    }

    void handshakeFinished() {
        if (handshakeDeadline != null) {
            handshakeDeadline.dispose();
        }
    }

    /** {@code check} runs (on the timer) after {@code millis}; it decides and may schedule again. */
    void scheduleIdleCheck(long millis, Runnable check) {
        idleCheck = timer.schedule(check, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    void cancel() {
        handshakeFinished();
        if (idleCheck != null) {
            idleCheck.dispose();
        }
    }
}
