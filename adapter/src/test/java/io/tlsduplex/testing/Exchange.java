package io.tlsduplex.testing;

import io.tlsduplex.TlsStream;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The client side of an echo exchange, polite to TLS 1.2 (which has no half-close). */
public final class Exchange {
    private Exchange() {
    }

    /**
     * Sends {@code payload} on the write half while the read half reads the echo; finishes the
     * write half (close_notify) only once the whole echo arrived, then reads until the peer closes.
     * Returns what came back.
     */
    public static Mono<Payload.Digest> echo(TlsStream tls, Payload payload) {
        TlsStream.Split halves = tls.split();
        Sinks.Empty<Void> echoedAll = Sinks.empty();
        Mono<Payload.Digest> received = Payload.digestOf(halves.reader().receive(), payload.size(), echoedAll::tryEmitEmpty);
        Mono<Void> sent = halves.writer().send(payload.buffers())
                .then(echoedAll.asMono())
                .then(halves.writer().finish());
        return Mono.zip(received, sent.thenReturn(true)).map(t -> t.getT1());
    }
}
