package io.tlsduplex.pump;

/**
 * How the pump tells a half that something changed. The pump wakes both halves after every run
 * (the fan-out waker): a half never waits for a wake-up that went to the other one.
 * Implementations must be cheap, thread-safe and must not block.
 */
@FunctionalInterface
public interface Waker {
    void wake();
}
