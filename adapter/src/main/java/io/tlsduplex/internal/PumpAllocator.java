package io.tlsduplex.internal;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * The pumps' default allocator: Netty's pooled allocator with its default sizes, but with a
 * per-thread cache on <em>every</em> thread, not only on Netty's own ({@code FastThreadLocalThread}).
 *
 * <p>A pump runs on whichever thread signals it: the event loop for ciphertext, but the caller's
 * thread for a send, a Reactor scheduler for a timer or a delegated task. With
 * {@code PooledByteBufAllocator.DEFAULT} (caches for Netty threads only) every record wrapped on such
 * a thread took the arena's lock and, with one connection, freed and re-created whole chunks: that
 * cost the in-memory OpenSSL bulk run about a sixth of its throughput (docs/benchmarks.md). A cache
 * holds at most Netty's default number of small and normal buffers per thread, and is freed when its
 * thread ends.
 */
public final class PumpAllocator {
    /** Shared by every stream that does not name its own allocator in {@code TlsOptions}. */
    public static final PooledByteBufAllocator SHARED = new PooledByteBufAllocator(
            PooledByteBufAllocator.defaultPreferDirect(),
            PooledByteBufAllocator.defaultNumHeapArena(),
            PooledByteBufAllocator.defaultNumDirectArena(),
            PooledByteBufAllocator.defaultPageSize(),
            PooledByteBufAllocator.defaultMaxOrder(),
            PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(),
            true);

    private PumpAllocator() {
    }
}
