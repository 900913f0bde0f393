package io.tlsduplex.splitsafety;

/** How the scenario uses the subject's two halves while the event happens. */
public enum Usage {
    /** Only the read half is active; the write half stays idle for the whole event. */
    READ_ONLY("only read half", true, false),
    /** Only the write half is active; the read half has no subscriber, no demand at all. */
    WRITE_ONLY("only write half", false, true),
    /** Reader on {@code Schedulers.parallel()}, writer on {@code Schedulers.boundedElastic()}. */
    BOTH_DIFFERENT_SCHEDULERS("both, different schedulers", true, true),
    /** Both halves subscribed, emitting and consuming on one single-threaded scheduler. */
    BOTH_SAME_THREAD("both, same thread", true, true),
    /** Both halves; the reader requests one buffer at a time. */
    READ_DEMAND_ONE("both, read demand 1", true, true);

    private final String label;
    private final boolean reads;
    private final boolean writes;

    Usage(String label, boolean reads, boolean writes) {
        this.label = label;
        this.reads = reads;
        this.writes = writes;
    }

    public boolean reads() {
        return reads;
    }

    public boolean writes() {
        return writes;
    }

    public String label() {
        return label;
    }
}
