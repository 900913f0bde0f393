package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Hang;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.Sinks;

/**
 * Watches how both halves of one stream end: the read half is drained (each buffer released and
 * counted) and the write half has a send in progress that the test never feeds, so whatever ends
 * the stream must also end that send. The test may feed that send through {@link #send}.
 */
final class Ends {
    private final TlsStream stream;
    private final AtomicLong bytesRead = new AtomicLong();
    private final Mono<Signal<Void>> read;
    private final Mono<Signal<Void>> write;
    private final Sinks.Many<ByteBuf> sendSource = Sinks.many().unicast().onBackpressureBuffer();

    private Ends(TlsStream stream) {
        this.stream = stream;
        this.read = stream.reader().receive()
                .doOnNext(b -> {
                    bytesRead.addAndGet(b.readableBytes());
                    b.release();
                })
                .then().materialize().cache();
        this.write = stream.writer().send(sendSource.asFlux()).materialize().cache();
        read.subscribe();
        write.subscribe();
    }

    static Ends watch(TlsStream stream) {
        return new Ends(stream);
    }

    /** Feeds the send in progress (the stream owns {@code data} from now on). */
    void send(ByteBuf data) {
        sendSource.emitNext(data, Sinks.EmitFailureHandler.FAIL_FAST);
    }

    long bytesRead() {
        return bytesRead.get();
    }

    /** The read half's terminal signal, waiting at most {@code bound} (a hang fails with a report). */
    Signal<Void> readEnd(Duration bound) {
        return Hang.await(read, bound, stream::describe);
    }

    Signal<Void> writeEnd(Duration bound) {
        return Hang.await(write, bound, stream::describe);
    }

    /**
     * Both halves failed with the very same exception, of {@code type}; a send started now fails with
     * it too, the handshake mono is settled, and the transport was closed. Returns the exception.
     */
    <T extends Throwable> T assertFailedWith(Class<T> type, Duration bound) {
        Signal<Void> r = readEnd(bound);
        Signal<Void> w = writeEnd(bound);
        assertThat(r.isOnError()).as("read half ended with an error, got %s; %s", r, stream.describe()).isTrue();
        assertThat(r.getThrowable()).as("read half's error; %s", stream.describe()).isInstanceOf(type);
        assertThat(w.isOnError()).as("write half ended with an error, got %s", w).isTrue();
        assertThat(w.getThrowable()).as("the same instance reaches both halves").isSameAs(r.getThrowable());
        Signal<Void> later = Hang.await(stream.writer()
                .send(Mono.fromSupplier(() -> ByteBufAllocator.DEFAULT.buffer().writeByte(1)))
                .materialize(), bound, stream::describe);
        assertThat(later.getThrowable()).as("a send after the end").isSameAs(r.getThrowable());
        Hang.await(stream.onClose(), bound, stream::describe);
        return type.cast(r.getThrowable());
    }
}
