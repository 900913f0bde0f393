package io.tlsduplex.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tlsduplex.testing.DiscardingListener;
import io.tlsduplex.transport.CiphertextTransport;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

/**
 * With auto-read off (the pump asks for every read), one request may still read the socket a few
 * times in a row while each read fills its buffer, and never more than the batch allows.
 */
class ReadBatchesTest {

    @Test
    void oneRequestKeepsReadingWhileEachReadFillsItsBufferUpToTheBatch() {
        RecvByteBufAllocator.Handle handle = handleWithAutoReadOff(4);
        for (int read = 1; read <= 4; read++) {
            fullRead(handle);
            assertThat(handle.continueReading()).as("after read " + read).isEqualTo(read < 4);
        }
    }

    @Test
    void aReadThatDidNotFillItsBufferEndsTheBatch() {
        RecvByteBufAllocator.Handle handle = handleWithAutoReadOff(4);
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(100);
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isFalse();
    }

    @Test
    void anEmptyReadEndsTheBatch() {
        RecvByteBufAllocator.Handle handle = handleWithAutoReadOff(4);
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(0);
        assertThat(handle.continueReading()).isFalse();
    }

    @Test
    void theNextRequestStartsANewBatch() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        RecvByteBufAllocator.Handle handle = new ReadBatches(new AdaptiveRecvByteBufAllocator(), 2).newHandle();
        handle.reset(channel.config());
        fullRead(handle);
        fullRead(handle);
        assertThat(handle.continueReading()).isFalse();
        handle.reset(channel.config());
        fullRead(handle);
        assertThat(handle.continueReading()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void theTransportBatchesTheChannelsOwnAllocatorOnceEvenWhenStartedTwiceOnOneChannel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RecvByteBufAllocator own = new AdaptiveRecvByteBufAllocator(64, 1024, 8192);
        channel.config().setRecvByteBufAllocator(own);
        new NettyTransport(Connection.from(channel)).start(IGNORE);
        channel.pipeline().remove(NettyTransport.HANDLER_NAME); // the first session is over
        new NettyTransport(Connection.from(channel)).start(IGNORE);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(channel.config().<RecvByteBufAllocator>getRecvByteBufAllocator())
                .isInstanceOfSatisfying(ReadBatches.class, batches -> assertThat(batches.delegate()).isSameAs(own));
        channel.finishAndReleaseAll();
    }

    private static final CiphertextTransport.Listener IGNORE = new DiscardingListener();

    private static RecvByteBufAllocator.Handle handleWithAutoReadOff(int maxReads) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        RecvByteBufAllocator.Handle handle = new ReadBatches(new AdaptiveRecvByteBufAllocator(), maxReads).newHandle();
        handle.reset(channel.config());
        channel.finishAndReleaseAll();
        return handle;
    }

    private static void fullRead(RecvByteBufAllocator.Handle handle) {
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(2048);
        handle.incMessagesRead(1);
    }
}
