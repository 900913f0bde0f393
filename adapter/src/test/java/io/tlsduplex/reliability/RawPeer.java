package io.tlsduplex.reliability;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.transport.CiphertextTransport;
import io.tlsduplex.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One end of an in-memory pair driven by hand, with no TLS stream: the hostile or broken peer.
 * It reads everything the other side sends (so the other side is never blocked by us) and keeps
 * it, or hands each chunk to a consumer; it writes whatever bytes the test gives it.
 */
final class RawPeer implements CiphertextTransport.Listener {
    private final MemoryTransport end;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Sinks.One<String> ended = Sinks.one();
    private volatile Consumer<byte[]> onBytes;
    private volatile Runnable onEnd = () -> { };
    private volatile boolean closed;

    private RawPeer(MemoryTransport end) {
        this.end = end;
    }

    /** Starts reading {@code end} at once. */
    static RawPeer on(MemoryTransport end) {
        RawPeer peer = new RawPeer(end);
        end.start(peer);
        end.read();
        return peer;
    }

    /** From now on every received chunk goes to {@code consumer} instead of being kept. */
    RawPeer onBytes(Consumer<byte[]> consumer) {
        this.onBytes = consumer;
        return this;
    }

    /** {@code action} runs once the other side closed its output (EOF) or the pipe failed. */
    RawPeer onEnd(Runnable action) {
        this.onEnd = action;
        return this;
    }

    @Override
    public void onCiphertext(ByteBuf chunk) {
        byte[] bytes = new byte[chunk.readableBytes()];
        chunk.readBytes(bytes);
        chunk.release();
        Consumer<byte[]> c = onBytes;
        if (c != null) {
            c.accept(bytes);
        } else {
            synchronized (received) {
                received.writeBytes(bytes);
            }
        }
    }

    @Override
    public void onReadComplete() {
        if (!closed) {
            end.read(); // keep reading: a hostile peer never lets the other side block on a full pipe
        }
    }

    @Override
    public void onEof() {
        ended.tryEmitValue("EOF");
        onEnd.run();
    }

    @Override
    public void onError(Throwable error) {
        ended.tryEmitValue("error: " + error);
        onEnd.run();
    }

    /** Sends {@code bytes} as they are (no TLS). Write failures (the other side closed) are ignored. */
    void write(byte[] bytes) {
        end.write(Unpooled.wrappedBuffer(bytes), error -> { });
    }

    /** Sends {@code bytes} with {@code from..to} of them only. */
    void write(byte[] bytes, int from, int to) {
        end.write(Unpooled.wrappedBuffer(bytes, from, to - from), error -> { });
    }

    /** EOF towards the other side, without any TLS alert. */
    void shutdownOutput() {
        end.shutdownOutput();
    }

    void close() {
        closed = true;
        end.close();
    }

    /** Everything received so far (when no consumer was set). */
    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** Completes with "EOF" or "error: ..." once the other side closed its output or the pipe broke. */
    Mono<String> ended() {
        return ended.asMono();
    }

    MemoryTransport transport() {
        return end;
    }
}
