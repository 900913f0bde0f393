package io.tlsduplex.reliability;

/**
 * The sizes of the reliability runs: modest defaults for CI, raised by the {@code heavy} Maven
 * profile (adapter/pom.xml) through system properties. Every loop in these tests is bounded by them.
 */
final class Knobs {
    private Knobs() {
    }

    /** Concurrent connections of the load test (heavy: 1000). */
    static int connections() {
        return Integer.getInteger("reliability.connections", 100);
    }

    /** Largest payload per direction per connection of the load test (heavy: 1 MiB). */
    static int maxBytesPerDirection() {
        return Integer.getInteger("reliability.maxBytesPerDirection", 256 * 1024);
    }

    /** Bytes the peer writes to the slow reader (heavy: 1 GiB). */
    static long slowReaderBytes() {
        return Long.getLong("reliability.slowReaderBytes", 64L << 20);
    }

    /** Hostile-input cases over all fuzz families (heavy: 100,000). */
    static int fuzzCases() {
        return Integer.getInteger("reliability.fuzzCases", 3500);
    }

    /** The base seed of every random choice; a failure message names the case seed to replay. */
    static long seed() {
        return Long.getLong("reliability.seed", 20261125L);
    }
}
