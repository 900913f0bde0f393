package io.tlsduplex.transport;

import java.util.SplittableRandom;

/**
 * How the in-memory transport cuts ciphertext into deliveries: whole writes, fixed-size pieces
 * (1 byte is the harshest), or random sizes from a seed (so a failing run can be replayed).
 */
@FunctionalInterface
public interface Chunking {

    /** The size of the next piece of a write with {@code remaining} bytes left (1..remaining). */
    int nextChunk(int remaining);

    /** Each write is delivered as one piece. */
    static Chunking whole() {
        return remaining -> remaining;
    }

    /** Pieces of at most {@code size} bytes. */
    static Chunking fixed(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, was " + size);
        }
        return remaining -> Math.min(size, remaining);
    }

    /** Pieces of 1 to {@code max} bytes, from {@code seed}. Not thread-safe: one per pipe direction. */
    static Chunking random(long seed, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max chunk size must be at least 1, was " + max);
        }
        SplittableRandom random = new SplittableRandom(seed);
        return remaining -> Math.min(remaining, 1 + random.nextInt(max));
    }
}
