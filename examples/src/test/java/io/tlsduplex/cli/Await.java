package io.tlsduplex.cli;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for an observable condition; the limit only turns a hang into a failure that says what was seen. */
public final class Await {
    private Await() {
    }

    public static void until(String what, BooleanSupplier condition, Duration limit, Supplier<String> seen) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what + "\n" + seen.get());
            }
            LockSupport.parkNanos(5_000_000);
        }
    }
}
