package io.tlsduplex.reliability;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.TlsClosedException;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Payload;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One side of a load-test connection (TLS 1.3): sends its payload from a boundedElastic thread,
 * asking for a KeyUpdate every {@link #KEY_UPDATE_EVERY} bytes, then finishes (close_notify),
 * while the read half, subscribed from a parallel thread, digests whatever the peer sends until
 * its close_notify. Key update outcomes are counted across all connections; one asked after the
 * peer's close_notify (the peer sent less and finished first) is refused with TlsClosedException,
 * as documented, and counted apart; any other failure is an error.
 */
final class Streaming {
    static final int KEY_UPDATE_EVERY = 64 * 1024;

    private final AtomicInteger keyUpdatesAsked = new AtomicInteger();
    private final AtomicInteger keyUpdatesDone = new AtomicInteger();
    private final AtomicInteger keyUpdatesRefused = new AtomicInteger();
    private final Queue<Throwable> keyUpdateErrors = new ConcurrentLinkedQueue<>();

    /** Streams {@code out} through {@code tls}; emits the digest of what was received. */
    Mono<Payload.Digest> run(TlsStream tls, Payload out) {
        TlsStream.Split halves = tls.split();
        Mono<Payload.Digest> in = Payload.digestOf(halves.reader().receive()).subscribeOn(Schedulers.parallel());
        long[] sent = {0};
        // At each 64 KiB boundary the source waits for a KeyUpdate to be written before it goes on,
        // so the update always lands between this connection's data and before its finish.
        Flux<ByteBuf> data = out.buffers().concatMap(b -> {
            long before = sent[0];
            sent[0] += b.readableBytes();
            if (before / KEY_UPDATE_EVERY == sent[0] / KEY_UPDATE_EVERY) {
                return Mono.just(b);
            }
            keyUpdatesAsked.incrementAndGet();
            return tls.handshake().then(tls.keyUpdate())
                    .doOnSuccess(v -> keyUpdatesDone.incrementAndGet())
                    .onErrorResume(error -> {
                        if (error instanceof TlsClosedException && error.getMessage().contains("peer already closed")) {
                            keyUpdatesRefused.incrementAndGet(); // documented: none after the peer's close_notify
                        } else {
                            keyUpdateErrors.add(error);
                        }
                        return Mono.empty();
                    })
                    .thenReturn(b);
        }, 1).subscribeOn(Schedulers.boundedElastic());
        Mono<Void> send = halves.writer().send(data).then(halves.writer().finish());
        return Mono.zip(in, send.thenReturn(true)).map(t -> t.getT1());
    }

    int keyUpdatesAsked() {
        return keyUpdatesAsked.get();
    }

    int keyUpdatesRefused() {
        return keyUpdatesRefused.get();
    }

    int keyUpdatesDone() {
        return keyUpdatesDone.get();
    }

    Queue<Throwable> keyUpdateErrors() {
        return keyUpdateErrors;
    }
}
