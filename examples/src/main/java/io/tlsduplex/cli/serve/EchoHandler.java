package io.tlsduplex.cli.serve;

import io.tlsduplex.TlsStream;
import reactor.core.publisher.Mono;

/** Sends back what arrives, buffer by buffer (ownership moves from the read half to the write half), then closes. */
final class EchoHandler implements ConnectionHandler {
    @Override
    public Mono<Void> handle(TlsStream stream) {
        TlsStream.Split halves = stream.split();
        return halves.writer().send(halves.reader().receive()).then(halves.writer().finish());
    }
}
