package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.TlsStream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** An end made by the adapter: a {@link TlsStream} whose read half counts or echoes. */
public final class AdapterEnd implements End {
    private final TlsStream stream;
    private final ByteCounter counter = new ByteCounter();

    /**
     * @param echo   send back whatever arrives (round trips) instead of counting it
     * @param readOn null to consume the read half where the pump delivers it, else the scheduler
     *               the read half is consumed on (the split path)
     */
    public AdapterEnd(TlsStream stream, boolean echo, Scheduler readOn) {
        this.stream = stream;
        Flux<ByteBuf> in = stream.reader().receive();
        if (readOn != null) {
            in = in.publishOn(readOn);
        }
        if (echo) {
            stream.writer().send(in).subscribe(null, counter::fail);
        } else {
            in.subscribe(b -> {
                counter.add(b.readableBytes());
                b.release();
            }, counter::fail);
        }
    }

    public TlsStream stream() {
        return stream;
    }

    @Override
    public Mono<Void> send(Publisher<ByteBuf> data) {
        return stream.writer().send(data);
    }

    @Override
    public ByteCounter received() {
        return counter;
    }
}
