package io.tlsduplex.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Test-only BlockHound allowance for Netty itself, not for tls-duplex: Netty 4.2's adaptive
 * allocator takes a {@code StampedLock} for a moment when it grows its magazines, and its own
 * BlockHound integration does not list that. We saw it on Netty's epoll read path
 * ({@code EpollStreamUnsafe.epollInReady} allocating the read buffer) with several event loops
 * allocating at once: it would fail any Netty application under BlockHound, with or without us.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
