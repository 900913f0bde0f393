package io.tlsduplex.testing;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.transport.MemoryTransport;

/** A client and a server TLS stream joined by an in-memory transport pair. */
public record MemoryTls(TlsStream client, TlsStream server, MemoryTransport.Pair transports) implements AutoCloseable {

    public static MemoryTls connect(TlsOptions client, TlsOptions server) {
        return connect(client, server, MemoryTransport.Options.defaults());
    }

    public static MemoryTls connect(TlsOptions client, TlsOptions server, MemoryTransport.Options pipe) {
        MemoryTransport.Pair pair = MemoryTransport.pair(pipe);
        TlsStream s = TlsStream.over(pair.right(), server);
        TlsStream c = TlsStream.over(pair.left(), client);
        return new MemoryTls(c, s, pair);
    }

    /** Client options trusting the shared PKI, for "localhost", restricted to {@code protocol}. */
    public static TlsOptions.Builder clientOptions(String protocol) {
        return TlsOptions.client(TestPki.shared().clientContext()).serverName("localhost").protocols(protocol);
    }

    /** Server options with the shared PKI's server certificate, restricted to {@code protocol}. */
    public static TlsOptions.Builder serverOptions(String protocol) {
        return TlsOptions.server(TestPki.shared().serverContext()).protocols(protocol);
    }

    /** Blocks for {@code mono}; a hang becomes an AssertionError carrying both pumps' state and a thread dump. */
    public <T> T await(reactor.core.publisher.Mono<T> mono, java.time.Duration limit) {
        return Hang.await(mono, limit, () -> "client " + client.describe() + "\nserver " + server.describe());
    }

    /** Disposes both streams (releasing whatever they still hold). */
    @Override
    public void close() {
        client.dispose();
        server.dispose();
    }
}
