package io.tlsduplex.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The channel's own receive-buffer allocator, except that one {@code Channel.read()} (one request
 * of the pump) may read the socket up to {@code maxReads} times while each read fills its buffer,
 * as Netty does with auto-read on. With auto-read off Netty reads once per request, and every
 * read costs the event loop a round (an {@code epoll_wait}) of its own.
 *
 * <p>Bound: one request brings at most {@code maxReads} buffers of the allocator's largest size
 * (64 KiB by default) on top of what the pump had buffered when it asked.
 */
final class ReadBatches implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private final int maxReads;

    ReadBatches(RecvByteBufAllocator delegate, int maxReads) {
        this.delegate = delegate;
        this.maxReads = maxReads;
    }

    /** The allocator this one batches reads for (the channel's before the transport started). */
    RecvByteBufAllocator delegate() {
        return delegate;
    }

    @Override
    public Handle newHandle() {
        Handle handle = delegate.newHandle();
        return handle instanceof ExtendedHandle extended ? new BatchHandle(extended, maxReads) : handle;
    }

    private static final class BatchHandle extends DelegatingHandle implements ExtendedHandle {
        private final ExtendedHandle extended;
        private final int maxReads;
        private final UncheckedBooleanSupplier filledItsBuffer = () -> attemptedBytesRead() == lastBytesRead();
        // Event loop only: reads since the last reset (one read loop).
        private int reads;

        BatchHandle(ExtendedHandle extended, int maxReads) {
            super(extended);
            this.extended = extended;
            this.maxReads = maxReads;
        }

        @Override
        public void reset(ChannelConfig config) {
            reads = 0;
            super.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            reads += numMessages;
            super.incMessagesRead(numMessages);
        }

        @Override
        public boolean continueReading() {
            return continueReading(filledItsBuffer);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            // the configured rule first (it answers false with auto-read off), then the batch
            return extended.continueReading(maybeMoreDataSupplier)
                    || (reads < maxReads && lastBytesRead() > 0 && maybeMoreDataSupplier.get());
        }
    }
}
