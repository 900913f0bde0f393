package io.tlsduplex.reliability;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.util.internal.PlatformDependent;
import io.tlsduplex.internal.PumpAllocator;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Peak memory while a run goes on, sampled every 20 ms on its own thread (a measurement, never a
 * synchronisation): JVM heap used (MemoryMXBean), the pooled allocators (heap and direct arenas of
 * {@code PooledByteBufAllocator.DEFAULT} and of the pumps' {@code PumpAllocator.SHARED}, summed), and direct memory outside the heap (NIO buffer
 * pool plus Netty's own no-cleaner counter).
 */
final class MemoryPeaks implements AutoCloseable {
    private static final long MIB = 1 << 20;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final BufferPoolMXBean nioDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
    private final AtomicLong heap = new AtomicLong();
    private final AtomicLong pooledHeap = new AtomicLong();
    private final AtomicLong pooledDirect = new AtomicLong();
    private final AtomicLong direct = new AtomicLong();
    private final Scheduler thread = Schedulers.newSingle("memory-peaks", true);
    private final Disposable sampling;

    MemoryPeaks() {
        sample();
        sampling = Flux.interval(Duration.ofMillis(20), thread).subscribe(t -> sample());
    }

    void sample() {
        heap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        PooledByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
        PooledByteBufAllocatorMetric pumps = PumpAllocator.SHARED.metric();
        pooledHeap.accumulateAndGet(netty.usedHeapMemory() + pumps.usedHeapMemory(), Math::max);
        pooledDirect.accumulateAndGet(netty.usedDirectMemory() + pumps.usedDirectMemory(), Math::max);
        direct.accumulateAndGet(nioDirect.getMemoryUsed() + Math.max(0, PlatformDependent.usedDirectMemory()), Math::max);
    }

    long peakHeap() {
        return heap.get();
    }

    long peakPooledHeap() {
        return pooledHeap.get();
    }

    long peakPooledDirect() {
        return pooledDirect.get();
    }

    long peakDirect() {
        return direct.get();
    }

    @Override
    public void close() {
        sampling.dispose();
        thread.dispose();
        sample();
    }

    @Override
    public String toString() {
        return "peakHeapMiB=" + heap.get() / MIB + " peakPooledHeapMiB=" + pooledHeap.get() / MIB
                + " peakPooledDirectMiB=" + pooledDirect.get() / MIB + " peakDirectMiB=" + direct.get() / MIB;
    }
}
