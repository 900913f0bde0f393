package io.tlsduplex.bench.support;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.netty.TlsTcp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import reactor.core.scheduler.Scheduler;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/** The adapter over reactor-netty TCP on loopback ({@link TlsTcp}), JDK or OpenSSL engines. */
public final class AdapterTcpStack implements Stack {
    private final DisposableServer server;
    private final TcpClient client;
    private final TlsOptions clientOptions;
    private final Scheduler readOn;
    private final Accepted<AdapterEnd> accepted = new Accepted<>();
    private final List<TlsStream> streams = new ArrayList<>();
    private AdapterEnd lastServer;

    public AdapterTcpStack(Engine engine, Suite suite, boolean echo) {
        this(engine, suite, echo, null);
    }

    /** @param readOn where both ends consume their read half (null: where the pump delivers) */
    public AdapterTcpStack(Engine engine, Suite suite, boolean echo, Scheduler readOn) {
        this(engine, suite, echo, readOn, -1);
    }

    /** A client-only stack when {@code remotePort} is positive (its server runs in another process). */
    public AdapterTcpStack(Engine engine, Suite suite, boolean echo, Scheduler readOn, int remotePort) {
        this(engine, suite, echo, readOn, remotePort, UnaryOperator.identity());
    }

    /** @param serverTuning changes to the server's options (e.g. a higher peer re-key limit) */
    public AdapterTcpStack(Engine engine, Suite suite, boolean echo, Scheduler readOn,
                           UnaryOperator<TlsOptions.Builder> serverTuning) {
        this(engine, suite, echo, readOn, -1, serverTuning);
    }

    private AdapterTcpStack(Engine engine, Suite suite, boolean echo, Scheduler readOn, int remotePort,
                            UnaryOperator<TlsOptions.Builder> serverTuning) {
        TlsOptions serverOptions = serverTuning.apply(Pki.adapterServer(engine, suite).toBuilder()).build();
        this.clientOptions = remotePort > 0
                ? TlsOptions.of(Pki.nettyClientTrustingAny(engine, suite)).serverName("localhost").build()
                : Pki.adapterClient(engine, suite);
        this.readOn = readOn;
        this.server = remotePort > 0 ? null : TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(serverOptions, stream -> {
                    accepted.add(new AdapterEnd(stream, echo, readOn));
                    return stream.onClose();
                }))
                .bindNow(Duration.ofSeconds(10));
        this.client = TlsTcp.configure(TcpClient.newConnection().host("127.0.0.1").port(remotePort > 0 ? remotePort : server.port()));
    }

    @Override
    public synchronized End connect() {
        TlsStream stream = TlsTcp.connect(client, clientOptions).block(Duration.ofSeconds(30));
        streams.add(stream);
        stream.handshake().block(Duration.ofSeconds(30));
        AdapterEnd end = new AdapterEnd(stream, false, readOn);
        if (server == null) {
            return end;
        }
        lastServer = accepted.next();
        streams.add(lastServer.stream());
        lastServer.stream().handshake().block(Duration.ofSeconds(30));
        return end;
    }

    @Override
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public synchronized End lastAccepted() {
        return lastServer;
    }

    @Override
    public synchronized void close() {
        streams.forEach(TlsStream::dispose);
        streams.clear();
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }
}
