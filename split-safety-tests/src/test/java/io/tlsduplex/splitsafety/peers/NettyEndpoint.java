package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import io.tlsduplex.splitsafety.SplitEndpoint;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/** A reactor-netty connection secured by Netty's own {@link SslHandler} ({@code secure()}), as a peer. */
final class NettyEndpoint implements SplitEndpoint {
    private final Connection connection;
    private final SslHandler ssl;

    NettyEndpoint(Connection connection) {
        this.connection = connection;
        this.ssl = connection.channel().pipeline().get(SslHandler.class);
    }

    @Override
    public Mono<Void> handshake() {
        return Mono.create(sink -> ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
    }

    @Override
    public Flux<ByteBuf> receive() {
        return connection.inbound().receive().retain();
    }

    /**
     * Ends when reactor-netty completes the send, or when the connection is gone: once the SslHandler has
     * closed the channel on our close_notify, reactor-netty's send may never signal at all, even with every
     * byte written (seen with read demand 1). Whether every byte got out is the subject's SHA-256 to say.
     */
    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return Mono.firstWithSignal(connection.outbound().send(data).then(), connection.onDispose());
    }

    /**
     * close_notify; the connection stays open for reading (TLS 1.3 half-close). The SslHandler answers
     * a received close_notify with its own and closes the channel: then there is nothing left to finish,
     * and the future of {@code closeOutbound()} may never complete.
     */
    @Override
    public Mono<Void> finish() {
        Mono<Void> closeNotify = Mono.create(sink -> ssl.closeOutbound().addListener(f -> {
            if (f.isSuccess() || connectionEnding(f.cause())) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
        return Mono.firstWithSignal(closeNotify, connection.onDispose());
    }

    /**
     * The connection is ending under the finish: the channel closed after our close_notify went out, or it
     * took the SslHandler with it ("pendingUnencryptedWrites is null, handlerRemoved0 called?", the channel
     * possibly still active for a moment). A close_notify that never went out shows up at the subject, as a
     * truncation or a hang.
     */
    private boolean connectionEnding(Throwable cause) {
        return (cause instanceof java.nio.channels.ClosedChannelException && ssl.engine().isOutboundDone())
                || (cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).contains("handlerRemoved"));
    }

    /** TLS 1.3, JDK engine: beginHandshake() on an established session is a KeyUpdate(update_requested). */
    @Override
    public Mono<Void> keyUpdate() {
        return Mono.create(sink -> connection.channel().eventLoop().execute(() -> {
            try {
                ssl.engine().beginHandshake();
            } catch (Exception e) {
                sink.error(e);
                return;
            }
            // an empty write makes the SslHandler wrap what the engine wants to send
            connection.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(f.cause());
                }
            });
        }));
    }

    @Override
    public Mono<Void> renegotiate() {
        return Mono.create(sink -> ssl.renegotiate().addListener(f -> {
            if (f.isSuccess()) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
    }

    @Override
    public Mono<Void> onClose() {
        return connection.onDispose();
    }

    @Override
    public String describe() {
        return "Netty{active=" + connection.channel().isActive() + ", engine=" + ssl.engine().getClass().getSimpleName()
                + ", handshake=" + ssl.engine().getHandshakeStatus() + ", outboundDone=" + ssl.engine().isOutboundDone()
                + ", inboundDone=" + ssl.engine().isInboundDone() + "}";
    }

    @Override
    public void dispose() {
        connection.dispose();
    }

    @Override
    public String toString() {
        return "Netty SslHandler";
    }
}
