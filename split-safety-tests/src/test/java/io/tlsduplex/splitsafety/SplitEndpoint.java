package io.tlsduplex.splitsafety;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One TLS endpoint used as a read half and a write half: the shape the scenarios drive. The real
 * adapter ({@link AdapterEndpoint}), the deliberately naive split
 * ({@link io.tlsduplex.splitsafety.naive.NaiveSplitTls}) and the foreign peers (JDK
 * {@code SSLSocket}, Netty {@code SslHandler}, openssl) all take this shape, so one scenario suite
 * runs against each of them.
 */
public interface SplitEndpoint {

    /** Completes once the (initial) handshake finished. */
    Mono<Void> handshake();

    /** The read half: plaintext until the peer's close_notify; the subscriber releases each buffer. */
    Flux<ByteBuf> receive();

    /** The write half: sends every buffer (ownership moves), completes when handed to the transport. */
    Mono<Void> send(Publisher<? extends ByteBuf> data);

    /** Finishes the write half (close_notify, TLS 1.3 half-close). */
    Mono<Void> finish();

    /** TLS 1.3 KeyUpdate with update_requested. */
    Mono<Void> keyUpdate();

    /** TLS 1.3 KeyUpdate without update_requested (only some peers can send one on demand). */
    default Mono<Void> keyUpdateNotRequested() {
        return Mono.error(new UnsupportedOperationException(this + " cannot send a KeyUpdate without update_requested"));
    }

    /** TLS 1.2 renegotiation, completing when the new handshake finished. */
    Mono<Void> renegotiate();

    /** Completes when the connection is closed (cleanly or not). */
    Mono<Void> onClose();

    /** The state in one line, for hang reports. */
    String describe();

    /** Abrupt teardown, releasing every buffer held. Idempotent. */
    void dispose();
}
