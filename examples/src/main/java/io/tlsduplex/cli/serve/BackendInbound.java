package io.tlsduplex.cli.serve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * What a plain TCP backend sends, ending at its FIN. reactor-netty's own {@code receive()} does
 * not end at a half-close (it waits for the whole connection to close), which would leave a
 * client waiting for an answer that is complete; this handler sees the FIN as the end. Reads
 * happen on demand only (auto-read off), so a slow TLS client slows the backend down.
 */
final class BackendInbound {
    private static final String NAME = "tls-duplex-backend-inbound";

    private BackendInbound() {
    }

    static Flux<ByteBuf> of(Connection connection) {
        Channel channel = connection.channel();
        return Flux.<ByteBuf>create(sink -> {
            ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof ByteBuf buf) {
                        sink.next(buf);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    if (sink.requestedFromDownstream() > 0) {
                        ctx.read();
                    }
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        sink.complete();
                    }
                    ctx.fireUserEventTriggered(evt);
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    sink.complete();
                    ctx.fireChannelInactive();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    sink.error(cause);
                }
            };
            channel.eventLoop().execute(() -> {
                channel.config().setAutoRead(false);
                if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
                    channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, NAME, handler);
                } else {
                    channel.pipeline().addLast(NAME, handler);
                }
                if (!channel.isActive()) {
                    sink.complete();
                } else if (sink.requestedFromDownstream() > 0) {
                    channel.read();
                }
            });
            sink.onRequest(n -> channel.read());
        }, FluxSink.OverflowStrategy.BUFFER).doOnDiscard(ByteBuf.class, ReferenceCountUtil::release);
    }
}
