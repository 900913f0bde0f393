package io.tlsduplex.splitsafety;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.transport.CiphertextTransport;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The real adapter: a {@link TlsStream}'s split halves. */
public final class AdapterEndpoint implements SplitEndpoint {
    private final TlsStream stream;
    private final TlsStream.Split halves;

    public AdapterEndpoint(TlsStream stream) {
        this.stream = stream;
        this.halves = stream.split();
    }

    public static AdapterEndpoint over(CiphertextTransport transport, TlsOptions options) {
        return new AdapterEndpoint(TlsStream.over(transport, options));
    }

    public TlsStream stream() {
        return stream;
    }

    @Override
    public Mono<Void> handshake() {
        return stream.handshake().then();
    }

    @Override
    public Flux<ByteBuf> receive() {
        return halves.reader().receive();
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return halves.writer().send(data);
    }

    @Override
    public Mono<Void> finish() {
        return halves.writer().finish();
    }

    @Override
    public Mono<Void> keyUpdate() {
        return stream.keyUpdate();
    }

    @Override
    public Mono<Void> renegotiate() {
        return stream.renegotiate();
    }

    @Override
    public Mono<Void> onClose() {
        return stream.onClose();
    }

    @Override
    public String describe() {
        return stream.describe();
    }

    @Override
    public void dispose() {
        stream.dispose();
    }

    @Override
    public String toString() {
        return "adapter";
    }
}
