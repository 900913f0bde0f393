package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/** An end made by reactor-netty itself (plain TCP, or {@code secure()} with Netty's SslHandler). */
final class NettyEnd implements End {
    private final NettyOutbound out;
    private final ByteCounter counter = new ByteCounter();
    volatile Connection connection;

    /** Counts what arrives; reactor-netty releases each buffer after {@code onNext}. */
    NettyEnd(NettyInbound in, NettyOutbound out) {
        this.out = out;
        in.withConnection(c -> connection = c);
        in.receive().subscribe(b -> counter.add(b.readableBytes()), counter::fail);
    }

    /** An end whose inbound is echoed by the caller's handler; it counts nothing. */
    NettyEnd(NettyOutbound out, Connection connection) {
        this.out = out;
        this.connection = connection;
    }

    @Override
    public Mono<Void> send(Publisher<ByteBuf> data) {
        return out.send(data).then();
    }

    @Override
    public ByteCounter received() {
        return counter;
    }

    void dispose() {
        Connection c = connection;
        if (c != null) {
            c.disposeNow();
        }
    }
}
