package io.tlsduplex.cli.serve;

import io.tlsduplex.TlsStream;
import reactor.core.publisher.Mono;

/** What the server does with one established TLS stream; completes when the connection's work is done. */
interface ConnectionHandler {
    Mono<Void> handle(TlsStream stream);
}
