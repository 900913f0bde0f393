package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.transport.MemoryTransport;
import reactor.core.publisher.Mono;

/** Both ends joined by the adapter's in-memory transport pair: TLS over a byte stream that is not a socket. */
final class MemoryLink implements DemoLink {

    @Override
    public Mono<Ends> open(TlsOptions client, TlsOptions server) {
        return Mono.fromSupplier(() -> {
            MemoryTransport.Pair pair = MemoryTransport.pair();
            TlsStream s = TlsStream.over(pair.right(), server);
            TlsStream c = TlsStream.over(pair.left(), client);
            return new Ends(c, s);
        });
    }

    @Override
    public String describe() {
        return "in-memory transport pair";
    }

    @Override
    public void close() {
        // nothing outlives a connection
    }
}
