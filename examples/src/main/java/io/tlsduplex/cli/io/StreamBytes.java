package io.tlsduplex.cli.io;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Blocking {@link InputStream}/{@link OutputStream}s (stdin, stdout, a child process's pipes) as
 * reactive byte streams. The blocking calls run on the given scheduler, never on an event loop,
 * and only on demand: nothing is read from the input before the write half asks for it.
 */
public final class StreamBytes {
    private static final int CHUNK = 16 * 1024;

    private StreamBytes() {
    }

    /** Reads {@code in} until EOF, one chunk per request, on {@code blocking}. Does not close it. */
    public static Flux<ByteBuf> read(InputStream in, Scheduler blocking) {
        return Flux.<ByteBuf>generate(sink -> {
            byte[] chunk = new byte[CHUNK];
            try {
                int n = in.read(chunk);
                if (n < 0) {
                    sink.complete();
                } else {
                    sink.next(Unpooled.wrappedBuffer(chunk, 0, n));
                }
            } catch (IOException e) {
                sink.error(e);
            }
        }).subscribeOn(blocking);
    }

    /**
     * Writes each buffer to {@code out} (flushing after each, since the peer may wait for it) on
     * {@code blocking}, releasing every buffer; completes when {@code data} does.
     */
    public static Mono<Void> write(Flux<ByteBuf> data, OutputStream out, Scheduler blocking) {
        return data.publishOn(blocking, 4)
                .doOnNext(b -> {
                    try {
                        b.readBytes(out, b.readableBytes());
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        b.release();
                    }
                })
                .doOnDiscard(ByteBuf.class, ByteBuf::release)
                .then();
    }
}
