package io.tlsduplex.bench.support;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * reactor-netty as users would use it without the adapter: {@code secure()} (Netty's
 * {@code SslHandler}) with a JDK or OpenSSL {@link SslContext}, or no TLS at all (the transport
 * ceiling). Loopback, default event loops, the same as the adapter's TCP stack.
 */
public final class NettyStack implements Stack {
    private final DisposableServer server;
    private final TcpClient client;
    private final Accepted<NettyEnd> accepted = new Accepted<>();
    private final List<NettyEnd> ends = new ArrayList<>();
    private NettyEnd lastServer;
    private final Scheduler readOn;

    /** {@code secure()} with these engines, or plain TCP when {@code engine} is null. */
    public NettyStack(Engine engine, Suite suite, boolean echo) {
        this(engine, suite, echo, -1, null);
    }

    /** A client-only stack when {@code remotePort} is positive (its server runs in another process). */
    public NettyStack(Engine engine, Suite suite, boolean echo, int remotePort) {
        this(engine, suite, echo, remotePort, null);
    }

    /** Both ends consume their inbound on {@code readOn} (null: where reactor-netty delivers it). */
    public NettyStack(Engine engine, Suite suite, Scheduler readOn) {
        this(engine, suite, false, -1, readOn);
    }

    private NettyStack(Engine engine, Suite suite, boolean echo, int remotePort, Scheduler readOn) {
        this.readOn = readOn;
        TcpServer s = TcpServer.create().host("127.0.0.1").port(0);
        TcpClient c = TcpClient.newConnection().host("127.0.0.1");
        if (engine != null) {
            SslContext serverCtx = Pki.nettyServer(engine, suite, Pki.KeyType.EC);
            SslContext clientCtx = remotePort > 0 ? Pki.nettyClientTrustingAny(engine, suite)
                    : Pki.nettyClient(engine, suite, Pki.KeyType.EC);
            s = s.secure(spec -> spec.sslContext(serverCtx));
            c = c.secure(spec -> spec.sslContext(clientCtx));
        }
        this.server = remotePort > 0 ? null : s.handle((in, out) -> {
            if (echo) {
                in.withConnection(conn -> accepted.add(new NettyEnd(out, conn)));
                return out.send(in.receive().retain());
            }
            accepted.add(new NettyEnd(in, out, readOn));
            return Mono.never();
        }).bindNow(Duration.ofSeconds(10));
        this.client = c.port(remotePort > 0 ? remotePort : server.port());
    }

    @Override
    public synchronized End connect() {
        Connection conn = client.connectNow(Duration.ofSeconds(30));
        NettyEnd end = new NettyEnd(conn.inbound(), conn.outbound(), readOn);
        end.connection = conn;
        ends.add(end);
        if (server == null) {
            return end;
        }
        lastServer = accepted.next();
        ends.add(lastServer);
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
        ends.forEach(NettyEnd::dispose);
        ends.clear();
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }
}
