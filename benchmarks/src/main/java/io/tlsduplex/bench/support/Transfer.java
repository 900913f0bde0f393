package io.tlsduplex.bench.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One bulk transfer step: send a number of 16 KiB buffers and wait until the other end has them all. */
public final class Transfer {
    /** Per benchmark invocation and direction: 8 MiB, long enough that the per-step wait is noise. */
    public static final int CHUNKS = 512;
    public static final int MIB_PER_DIRECTION = CHUNKS * Payload.CHUNK / Payload.MIB;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private Transfer() {
    }

    /** {@code from} sends {@code CHUNKS} buffers; returns when {@code to} counted them and the send completed. */
    public static CompletableFuture<Void> start(End from, End to, Payload payload) {
        long target = to.received().get() + (long) CHUNKS * payload.size();
        CompletableFuture<Void> arrived = to.received().whenReaches(target);
        CompletableFuture<Void> sent = from.send(payload.buffers(CHUNKS)).toFuture();
        return CompletableFuture.allOf(arrived, sent);
    }

    public static void oneWay(End from, End to, Payload payload) {
        ByteCounter.await(start(from, to, payload), LIMIT);
    }

    public static void bothWays(End a, End b, Payload payload) {
        ByteCounter.await(CompletableFuture.allOf(start(a, b, payload), start(b, a, payload)), LIMIT);
    }
}
