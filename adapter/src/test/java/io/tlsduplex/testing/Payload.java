package io.tlsduplex.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Known byte sequences for the tests: a seeded pseudo-random stream of a given size, cut into
 * buffers of random sizes, and its SHA-256 computed independently of how it was cut.
 */
public final class Payload {
    private final long seed;
    private final long size;
    private final int maxBuffer;
    private final boolean digitLines;

    private Payload(long seed, long size, int maxBuffer, boolean digitLines) {
        this.seed = seed;
        this.size = size;
        this.maxBuffer = maxBuffer;
        this.digitLines = digitLines;
    }

    public static Payload of(long seed, long size) {
        return new Payload(seed, size, 16 * 1024, false);
    }

    public static Payload of(long seed, long size, int maxBuffer) {
        return new Payload(seed, size, maxBuffer, false);
    }

    /**
     * Seeded lines of 63 ASCII digits and a newline (the last one cut at {@code size}): for peers whose
     * input and output are line-oriented text, such as openssl s_server/s_client, where no piece of
     * the stream may look like one of their one-letter commands or be mistaken for their status lines.
     */
    public static Payload digitLines(long seed, long size) {
        return new Payload(seed, size, 16 * 1024, true);
    }

    public long size() {
        return size;
    }

    /** The bytes as buffers of 1..maxBuffer bytes (sizes derived from the seed); each is owned by the receiver. */
    public Flux<ByteBuf> buffers() {
        return Flux.generate(() -> new State(seed, digitLines), (state, sink) -> {
            if (state.produced >= size) {
                sink.complete();
                return state;
            }
            int n = (int) Math.min(size - state.produced, 1 + state.sizes.nextInt(maxBuffer));
            ByteBuf b = Unpooled.buffer(n);
            for (int i = 0; i < n; i++) {
                b.writeByte(state.nextByte());
            }
            state.produced += n;
            sink.next(b);
            if (state.produced >= size) {
                // Complete with the last buffer, not on a later request: a TLS 1.2 peer may close
                // as soon as it has every byte, and a send still open then fails.
                sink.complete();
            }
            return state;
        });
    }

    /** The bytes as one array (for small payloads). */
    public byte[] bytes() {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("too large for an array: " + size);
        }
        byte[] out = new byte[(int) size];
        State s = new State(seed, digitLines);
        for (int i = 0; i < out.length; i++) {
            out[i] = s.nextByte();
        }
        return out;
    }

    /** SHA-256 of the payload, hex. */
    public String sha256() {
        MessageDigest d = digest();
        State s = new State(seed, digitLines);
        byte[] block = new byte[8192];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(block.length, left);
            for (int i = 0; i < n; i++) {
                block[i] = s.nextByte();
            }
            d.update(block, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Consumes {@code received} (releasing every buffer) and returns the SHA-256 and byte count. */
    public static Mono<Digest> digestOf(Flux<ByteBuf> received) {
        return received.reduce(new DigestState(), (state, buf) -> {
            try {
                state.update(buf);
                return state;
            } finally {
                buf.release();
            }
        }).map(DigestState::finish);
    }

    /**
     * Like {@link #digestOf(Flux)}, and runs {@code onAll} once {@code expected} bytes have arrived
     * (before the stream ends): how a TLS 1.2 test knows it may close, since TLS 1.2 has no half-close.
     */
    public static Mono<Digest> digestOf(Flux<ByteBuf> received, long expected, Runnable onAll) {
        long[] seen = new long[1];
        return digestOf(received.doOnNext(b -> {
            long before = seen[0];
            seen[0] += b.readableBytes();
            if (before < expected && seen[0] >= expected) {
                onAll.run();
            }
        }));
    }

    /** What a receiver saw. */
    public record Digest(String sha256, long bytes) { }

    private static final class DigestState {
        final MessageDigest digest = digest();
        long bytes;

        void update(ByteBuf b) {
            bytes += b.readableBytes();
            digest.update(b.nioBuffer());
        }

        Digest finish() {
            return new Digest(HexFormat.of().formatHex(digest.digest()), bytes);
        }
    }

    private static final class State {
        final SplittableRandom bytes;
        final SplittableRandom sizes;
        final boolean digitLines;
        long produced;
        long word;
        int left;
        long position;

        State(long seed, boolean digitLines) {
            this.bytes = new SplittableRandom(seed);
            this.sizes = new SplittableRandom(seed * 31 + 7);
            this.digitLines = digitLines;
        }

        byte nextByte() {
            if (digitLines) {
                return position++ % 64 == 63 ? (byte) '\n' : (byte) ('0' + bytes.nextInt(10));
            }
            if (left == 0) {
                word = bytes.nextLong();
                left = 8;
            }
            byte b = (byte) word;
            word >>>= 8;
            left--;
            return b;
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
