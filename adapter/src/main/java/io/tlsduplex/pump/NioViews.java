package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * NIO views of a {@link ByteBuf} for {@code wrap}/{@code unwrap} without allocating one per call:
 * a single-component buffer lends its internal view (reused, valid until the next call on the same
 * buffer), as Netty's SslHandler does. Only for buffers the drain thread owns exclusively, and
 * never for two buffers that may share an underlying buffer in the same engine call.
 */
final class NioViews {
    private NioViews() {
    }

    static ByteBuffer of(ByteBuf buf, int index, int length) {
        return buf.nioBufferCount() == 1 ? buf.internalNioBuffer(index, length) : buf.nioBuffer(index, length);
    }
}
