package io.tlsduplex.cli.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;

/**
 * A seeded pseudo-random byte stream of a given size, cut into 16 KiB buffers, that hashes what it
 * hands out: the sender's SHA-256 comes from the bytes actually produced, not from a second copy.
 * One subscription only.
 */
final class SeededBytes {
    private static final int CHUNK = 16 * 1024;

    private final long seed;
    private final long size;
    private final MessageDigest digest = Sha256.newDigest();
    private volatile String sha256;

    SeededBytes(long seed, long size) {
        this.seed = seed;
        this.size = size;
    }

    long size() {
        return size;
    }

    /** The bytes; the receiver (the write half) owns each buffer. */
    Flux<ByteBuf> buffers() {
        return Flux.generate(() -> new long[] {0}, (produced, sink) -> {
            if (produced[0] >= size) {
                sha256 = HexFormat.of().formatHex(digest.digest());
                sink.complete();
                return produced;
            }
            byte[] chunk = new byte[(int) Math.min(CHUNK, size - produced[0])];
            // a fresh generator per chunk keeps the stream a pure function of (seed, offset)
            new SplittableRandom(seed * 1_000_003L + produced[0]).nextBytes(chunk);
            digest.update(chunk);
            produced[0] += chunk.length;
            boolean last = produced[0] >= size;
            if (last) {
                // before the hand-off: the receiver may have it all (and compare) before next() returns
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            sink.next(Unpooled.wrappedBuffer(chunk));
            if (last) {
                // Complete with the last chunk, not on a later request: in TLS 1.2 the peer may
                // close as soon as it has every byte, and a send still open then has to fail.
                sink.complete();
            }
            return produced;
        });
    }

    /** SHA-256 of everything produced, hex; null until the stream completed. */
    String sha256() {
        return size == 0 ? Sha256.EMPTY : sha256;
    }
}
