package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/** An end made by reactor-netty itself (plain TCP, or {@code secure()} with Netty's SslHandler). */
final class NettyEnd implements End {
    private final NettyOutbound out;
    private final ByteCounter counter = new ByteCounter();
    volatile Connection connection;

    /**
     * Counts what arrives; reactor-netty releases each buffer after {@code onNext}.
     *
     * @param readOn null to count where reactor-netty delivers, else the scheduler the inbound is
     *               consumed on (as the adapter's split path consumes its read half)
     */
    NettyEnd(NettyInbound in, NettyOutbound out, Scheduler readOn) {
        this.out = out;
        in.withConnection(c -> connection = c);
        if (readOn == null) {
            in.receive().subscribe(b -> counter.add(b.readableBytes()), counter::fail);
        } else {
            // retained across the hop: reactor-netty releases its reference once onNext returns
            in.receive().retain().publishOn(readOn).subscribe(b -> {
                counter.add(b.readableBytes());
                b.release();
            }, counter::fail);
        }
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
