package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.splitsafety.SplitEndpoint;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The subject, counting the bytes its read half delivered: how the openssl peer knows that openssl
 * has read everything written to its standard input (it sends each read at once), so that the
 * next line, a command, is a read of its own.
 */
final class CountingEndpoint implements SplitEndpoint {
    private final SplitEndpoint subject;
    private final AtomicLong received;

    CountingEndpoint(SplitEndpoint subject, AtomicLong received) {
        this.subject = subject;
        this.received = received;
    }

    @Override
    public Mono<Void> handshake() {
        return subject.handshake();
    }

    @Override
    public Flux<ByteBuf> receive() {
        return subject.receive().doOnNext(b -> received.addAndGet(b.readableBytes()));
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return subject.send(data);
    }

    @Override
    public Mono<Void> finish() {
        return subject.finish();
    }

    @Override
    public Mono<Void> keyUpdate() {
        return subject.keyUpdate();
    }

    @Override
    public Mono<Void> keyUpdateNotRequested() {
        return subject.keyUpdateNotRequested();
    }

    @Override
    public Mono<Void> renegotiate() {
        return subject.renegotiate();
    }

    @Override
    public Mono<Void> onClose() {
        return subject.onClose();
    }

    @Override
    public String describe() {
        return subject.describe() + " (its read half delivered " + received.get() + " B)";
    }

    @Override
    public void dispose() {
        subject.dispose();
    }

    @Override
    public String toString() {
        return subject.toString();
    }
}
