package io.tlsduplex.cli.demo;

/**
 * Splits a stream of {@code size} bytes into {@code count + 1} equal legs and runs an action as
 * each inner boundary is passed: how a hazard spreads its key updates over the transfer instead of
 * firing them all before the first byte. Called from one thread at a time (a Flux's onNext).
 */
final class Milestones {
    private final long size;
    private final int count;
    private final Runnable action;
    private int passed;

    Milestones(long size, int count, Runnable action) {
        this.size = size;
        this.count = count;
        this.action = action;
    }

    void onTotal(long total) {
        while (passed < count && total >= size * (passed + 1) / (count + 1)) {
            passed++;
            action.run();
        }
    }
}
