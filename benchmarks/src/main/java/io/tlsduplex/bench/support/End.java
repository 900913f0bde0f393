package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** One end of an established connection, whichever stack made it. */
public interface End {

    /** Sends every buffer (taking ownership); completes when they are written to the transport. */
    Mono<Void> send(Publisher<ByteBuf> data);

    /** Bytes received by this end so far (ends that echo count nothing). */
    ByteCounter received();
}
