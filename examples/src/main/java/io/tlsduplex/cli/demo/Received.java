package io.tlsduplex.cli.demo;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What one side received: its SHA-256 and byte count, readable while it runs (for progress). */
final class Received {
    private final MessageDigest digest = Sha256.newDigest();
    private final AtomicLong bytes = new AtomicLong();
    private volatile String sha256;

    /**
     * Consumes {@code plaintext} (releasing every buffer); {@code onTotal} sees the running total
     * after each buffer, so a hazard can act at a point in the stream.
     */
    Mono<Void> consume(Flux<ByteBuf> plaintext, LongConsumer onTotal) {
        return plaintext.doOnNext(b -> {
            try {
                int n = b.readableBytes();
                digest.update(b.nioBuffer());
                onTotal.accept(bytes.addAndGet(n));
            } finally {
                b.release();
            }
        }).then(Mono.fromRunnable(() -> sha256 = HexFormat.of().formatHex(digest.digest())));
    }

    Mono<Void> consume(Flux<ByteBuf> plaintext) {
        return consume(plaintext, total -> { });
    }

    long bytes() {
        return bytes.get();
    }

    /** Null until the stream completed. */
    String sha256() {
        return sha256;
    }
}
