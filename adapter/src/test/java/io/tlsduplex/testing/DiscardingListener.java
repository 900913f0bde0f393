package io.tlsduplex.testing;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.transport.CiphertextTransport;

/** A transport listener that releases whatever ciphertext arrives and ignores every other event. */
public final class DiscardingListener implements CiphertextTransport.Listener {
    @Override
    public void onCiphertext(ByteBuf chunk) {
        chunk.release();
    }

    @Override
    public void onReadComplete() {
    }

    @Override
    public void onEof() {
    }

    @Override
    public void onError(Throwable error) {
    }
}
