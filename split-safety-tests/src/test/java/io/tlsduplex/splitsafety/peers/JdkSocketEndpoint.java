package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.splitsafety.SplitEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLSocket;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A JDK {@link SSLSocket} as a peer: blocking reads on their own thread, blocking writes on
 * {@code boundedElastic} (threads BlockHound lets block), KeyUpdate and renegotiation through
 * {@link SSLSocket#startHandshake()} on an established connection.
 */
final class JdkSocketEndpoint implements SplitEndpoint {
    private final SSLSocket socket;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final Mono<Void> handshake;

    JdkSocketEndpoint(SSLSocket socket) {
        this.socket = socket;
        // startHandshake() returns once the initial handshake is over; the only call that may drive it (see receive())
        this.handshake = Mono.<Void>fromCallable(() -> {
            socket.startHandshake();
            return null;
        }).subscribeOn(Schedulers.boundedElastic()).cache();
    }

    @Override
    public Mono<Void> handshake() {
        return handshake;
    }

    /**
     * The reader thread waits for {@link #handshake()} before its first read: a read would otherwise drive
     * the initial handshake itself, and the {@code startHandshake()} that follows on an established
     * connection is a renegotiation (TLS 1.2, the subject then saw "close_notify during handshake") or a
     * KeyUpdate (TLS 1.3) that the cell never asked for.
     */
    @Override
    public Flux<ByteBuf> receive() {
        return Flux.<ByteBuf>create(sink -> {
            Thread t = new Thread(() -> {
                try {
                    handshake.block();
                } catch (RuntimeException e) {
                    sink.error(reactor.core.Exceptions.unwrap(e));
                    return;
                }
                readAll(sink);
            }, "jdk-sslsocket-reader");
            t.setDaemon(true);
            t.start();
        }, FluxSink.OverflowStrategy.BUFFER).doOnDiscard(ByteBuf.class, ByteBuf::release);
    }

    private void readAll(FluxSink<ByteBuf> sink) {
        byte[] buf = new byte[32 * 1024];
        try {
            InputStream in = socket.getInputStream();
            for (;;) {
                int n = in.read(buf);
                if (n < 0) {
                    sink.complete();
                    return;
                }
                sink.next(Unpooled.copiedBuffer(buf, 0, n));
            }
        } catch (IOException e) {
            sink.error(e);
        }
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return Flux.from(data).publishOn(Schedulers.boundedElastic(), 4).doOnNext(b -> {
            try {
                OutputStream out = socket.getOutputStream();
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                b.release();
            }
        }).doOnDiscard(ByteBuf.class, ByteBuf::release).then();
    }

    /**
     * Done if the socket's output is already shut: TLS 1.2 has no half-close, so when our close_notify
     * reached the JDK first it closed its own output in answer (seen: "Socket output is already
     * shutdown", 1 run in 10). The bytes it sent before are still checked by the cell's SHA-256.
     */
    @Override
    public Mono<Void> finish() {
        return blocking(() -> {
            try {
                socket.shutdownOutput();
            } catch (SocketException e) {
                if (!socket.isOutputShutdown()) {
                    throw e;
                }
            }
        });
    }

    /** On an established TLS 1.3 connection the JDK sends a KeyUpdate(update_requested). */
    @Override
    public Mono<Void> keyUpdate() {
        return blocking(socket::startHandshake);
    }

    /** A TLS 1.2 renegotiation; completes when the new handshake has finished (our reader drives it). */
    @Override
    public Mono<Void> renegotiate() {
        return Mono.<Void>create(sink -> {
            HandshakeCompletedListener[] listener = new HandshakeCompletedListener[1];
            listener[0] = event -> {
                socket.removeHandshakeCompletedListener(listener[0]);
                sink.success();
            };
            socket.addHandshakeCompletedListener(listener[0]);
            try {
                socket.startHandshake();
            } catch (IOException e) {
                sink.error(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public String describe() {
        return "SSLSocket{closed=" + socket.isClosed() + ", inputShutdown=" + socket.isInputShutdown()
                + ", outputShutdown=" + socket.isOutputShutdown() + ", session=" + socket.getSession().getProtocol() + "}";
    }

    @Override
    public void dispose() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already broken: closing is all we wanted
        }
        closed.tryEmitEmpty();
    }

    @Override
    public String toString() {
        return "JDK SSLSocket";
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static Mono<Void> blocking(IoAction action) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                action.run();
            } catch (SocketException closedAlready) {
                throw new IllegalStateException(closedAlready);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
