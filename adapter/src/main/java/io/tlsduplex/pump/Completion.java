package io.tlsduplex.pump;

/** A one-shot callback the pump runs on its drain thread when an operation finished or failed. */
@FunctionalInterface
public interface Completion {
    /** {@code error} is null on success. Must not block. */
    void complete(Throwable error);
}
