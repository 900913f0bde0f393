package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import reactor.core.publisher.Mono;

/** Connects a client end and a server end, over loopback TCP or in memory. */
interface DemoLink extends AutoCloseable {

    /** Both ends of one TLS connection, handshake under way. */
    record Ends(TlsStream client, TlsStream server) { }

    Mono<Ends> open(TlsOptions client, TlsOptions server);

    /** One line for the report's header, e.g. "loopback TCP 127.0.0.1:40123". */
    String describe();

    @Override
    void close();
}
