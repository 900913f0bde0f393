package io.tlsduplex.bench.support;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The adapter over the in-memory transport pair with inline delivery: no sockets and no thread
 * hops, so every byte is wrapped, moved and unwrapped on the sending thread. The figure to hold
 * against the bare engine ceiling.
 */
public final class MemoryAdapterStack implements Stack {
    private final TlsOptions client;
    private final TlsOptions server;
    private final boolean echo;
    private final List<TlsStream> streams = new ArrayList<>();
    private AdapterEnd lastServer;

    public MemoryAdapterStack(Engine engine, Suite suite, boolean echo) {
        this.client = Pki.adapterClient(engine, suite);
        this.server = Pki.adapterServer(engine, suite);
        this.echo = echo;
    }

    @Override
    public synchronized End connect() {
        MemoryTransport.Pair pair = MemoryTransport.pair();
        TlsStream s = TlsStream.over(pair.right(), server);
        TlsStream c = TlsStream.over(pair.left(), client);
        streams.add(s);
        streams.add(c);
        c.handshake().block(Duration.ofSeconds(30));
        s.handshake().block(Duration.ofSeconds(30));
        lastServer = new AdapterEnd(s, echo, null);
        return new AdapterEnd(c, false, null);
    }

    @Override
    public synchronized End lastAccepted() {
        return lastServer;
    }

    @Override
    public synchronized void close() {
        streams.forEach(TlsStream::dispose);
        streams.clear();
    }
}
