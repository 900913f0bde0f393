package io.tlsduplex;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.pump.Completion;
import io.tlsduplex.pump.TlsPump;
import io.tlsduplex.transport.CiphertextTransport;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A TLS connection over a {@link CiphertextTransport}, used as a read half and a write half that
 * stay safe to use independently (from different threads, schedulers and subscribers).
 *
 * <pre>{@code
 * TlsStream tls = TlsStream.over(transport, TlsOptions.client(sslContext).serverName("example.org").build());
 * TlsStream.Split halves = tls.split();
 * halves.reader().receiveString(UTF_8).publishOn(Schedulers.boundedElastic()).subscribe(System.out::print);
 * halves.writer().sendString(Flux.just("hello\n"), UTF_8).then(halves.writer().finish()).subscribe();
 * }</pre>
 *
 * <p>The handshake starts as soon as the stream is created. Every method is thread-safe and
 * non-blocking. All engine work happens in the connection's pump; the halves only queue and take.
 */
public final class TlsStream implements Disposable {

    /** Both halves of one stream. */
    public record Split(TlsReadHalf reader, TlsWriteHalf writer) { }

    private final TlsPump pump;
    private final TlsReadHalf reader;
    private final TlsWriteHalf writer;
    private volatile boolean disposed;

    private TlsStream(CiphertextTransport transport, TlsOptions options) {
        this.pump = new TlsPump(transport, options);
        this.reader = new TlsReadHalf(pump);
        this.writer = new TlsWriteHalf(pump, options.sendPrefetch());
    }

    /**
     * Puts TLS on {@code transport} and starts the handshake.
     *
     * @throws IllegalArgumentException when the engine cannot be configured as the options say
     */
    public static TlsStream over(CiphertextTransport transport, TlsOptions options) {
        TlsStream stream = new TlsStream(transport, options);
        stream.pump.start(stream.reader::wake, stream.writer::wake);
        return stream;
    }

    /** Hands out both halves, for use from different threads or subscribers. */
    public Split split() {
        return new Split(reader, writer);
    }

    public TlsReadHalf reader() {
        return reader;
    }

    public TlsWriteHalf writer() {
        return writer;
    }

    /** Shorthand for {@code reader().receive()}. */
    public Flux<ByteBuf> receive() {
        return reader.receive();
    }

    /** Shorthand for {@code writer().send(data)}. */
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return writer.send(data);
    }

    /** The negotiated session once the handshake finished; the handshake's error otherwise. Cached. */
    public Mono<TlsSession> handshake() {
        return pump.handshake();
    }

    /**
     * TLS 1.3: sends a KeyUpdate that also asks the peer to update its keys (JDK engines), after
     * everything the write half queued before it (so a key update asked before {@code finish()}
     * goes out before the close_notify; one asked during the handshake waits for it). Completes
     * when the KeyUpdate has been written. Fails with {@link UnsupportedOperationException} on
     * TLS 1.2 or when the engine cannot start one (netty-tcnative's OpenSSL engine), with
     * {@link TlsClosedException} once the output is closed.
     */
    public Mono<Void> keyUpdate() {
        return Mono.create(sink -> pump.keyUpdate(toSink(sink)));
    }

    /**
     * TLS 1.2: starts a renegotiation (a new full handshake on the same connection), ordered with
     * the write half like {@link #keyUpdate()}. Completes when it has finished. Fails with
     * {@link UnsupportedOperationException} on TLS 1.3 or when the engine cannot start one.
     */
    public Mono<Void> renegotiate() {
        return Mono.create(sink -> pump.renegotiate(toSink(sink)));
    }

    /** Completes when the transport has been closed, after a clean close or an error. */
    public Mono<Void> onClose() {
        return pump.onClose();
    }

    /**
     * Tears the stream down at once: no close_notify, both halves fail with
     * {@link TlsClosedException} (unless already ended), the transport is closed and every buffer
     * the stream holds is released. For a clean end, {@code writer().finish()} instead.
     */
    @Override
    public void dispose() {
        disposed = true;
        pump.dispose();
    }

    @Override
    public boolean isDisposed() {
        return disposed || pump.phase() == TlsPump.Phase.CLOSED;
    }

    /** The pump's state in one line, for logs and hang reports. */
    public String describe() {
        return pump.describe();
    }

    private static Completion toSink(MonoSink<Void> sink) {
        return error -> {
            if (error == null) {
                sink.success();
            } else {
                sink.error(error);
            }
        };
    }
}
