package io.tlsduplex.splitsafety;

import io.tlsduplex.transport.Chunking;
import io.tlsduplex.transport.MemoryTransport;

/** The ciphertext transport's behaviour in a cell. */
public enum Condition {
    WHOLE_RECORDS("whole records"),
    ONE_BYTE_CHUNKS("1-byte chunks"),
    RANDOM_CHUNKS("random chunks"),
    /** 1 KiB in flight per direction: writes complete only as the other side reads (writability toggling). */
    SLOW_CONSUMER("slow consumer"),
    /** A real socket on 127.0.0.1 (the peer is a process or a library we did not write). */
    LOOPBACK_TCP("loopback TCP");

    private final String label;

    Condition(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The in-memory pair's settings for this condition; {@code seed} drives random chunking. */
    public MemoryTransport.Options memoryOptions(long seed) {
        MemoryTransport.Options base = MemoryTransport.Options.defaults();
        return switch (this) {
            case WHOLE_RECORDS, LOOPBACK_TCP -> base;
            case ONE_BYTE_CHUNKS -> base.withChunking(() -> Chunking.fixed(1));
            case RANDOM_CHUNKS -> {
                long[] next = {seed};
                yield base.withChunking(() -> Chunking.random(next[0]++, 3000));
            }
            case SLOW_CONSUMER -> base.withCapacity(1024);
        };
    }
}
