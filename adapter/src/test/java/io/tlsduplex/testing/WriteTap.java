package io.tlsduplex.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tlsduplex.transport.CiphertextTransport;
import io.tlsduplex.transport.TransportThread;
import java.util.function.Consumer;

/** A transport that forwards everything to another and shows each ciphertext write to {@code onWrite} first. */
public final class WriteTap implements CiphertextTransport {
    private final CiphertextTransport delegate;
    private final Consumer<ByteBuf> onWrite;

    public WriteTap(CiphertextTransport delegate, Consumer<ByteBuf> onWrite) {
        this.delegate = delegate;
        this.onWrite = onWrite;
    }

    @Override public ByteBufAllocator alloc() { return delegate.alloc(); }
    @Override public String peerHost() { return delegate.peerHost(); }
    @Override public int peerPort() { return delegate.peerPort(); }
    @Override public boolean prefersDirectBuffers() { return delegate.prefersDirectBuffers(); }
    @Override public TransportThread thread() { return delegate.thread(); }
    @Override public void start(Listener listener) { delegate.start(listener); }
    @Override public void read() { delegate.read(); }
    @Override public void shutdownOutput() { delegate.shutdownOutput(); }
    @Override public void close() { delegate.close(); }

    @Override
    public void write(ByteBuf ciphertext, WriteListener done) {
        onWrite.accept(ciphertext);
        delegate.write(ciphertext, done);
    }
}
