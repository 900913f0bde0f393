package io.tlsduplex.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tlsduplex.internal.PumpAllocator;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One end of an in-memory, connected pair of transports: TLS over anything that is not a socket
 * (tunnels, STARTTLS, TLS in TLS) and the test bed for the pump. Knobs cut ciphertext into 1-byte
 * or random pieces, bound the bytes in flight (a slow consumer), move deliveries to another
 * executor, and inject faults.
 *
 * <p>An end may also be used raw, without a TLS stream, to play a hostile or broken peer: call
 * {@link #start}, {@link #read} and {@link #write} directly.
 */
public final class MemoryTransport implements CiphertextTransport {

    /** Both ends of one in-memory connection. */
    public record Pair(MemoryTransport left, MemoryTransport right) { }

    /** Immutable settings of a pair; {@link #defaults()} then {@code with...}. */
    public record Options(Chunking leftToRight, Chunking rightToLeft, long capacityBytes,
                          Executor delivery, ByteBufAllocator alloc, String peerHost) {
        public Options {
            Objects.requireNonNull(leftToRight, "leftToRight");
            Objects.requireNonNull(rightToLeft, "rightToLeft");
            Objects.requireNonNull(alloc, "alloc");
            if (capacityBytes < 0) {
                throw new IllegalArgumentException("capacityBytes must be >= 0, was " + capacityBytes);
            }
        }

        /** Whole writes, 256 KiB buffered per direction, inline delivery, the pumps' pooled buffers, "localhost". */
        public static Options defaults() {
            return new Options(Chunking.whole(), Chunking.whole(), 256 * 1024, null,
                    PumpAllocator.SHARED, "localhost");
        }

        /** The same chunking policy (its own instance each way) in both directions. */
        public Options withChunking(java.util.function.Supplier<Chunking> perDirection) {
            return new Options(perDirection.get(), perDirection.get(), capacityBytes, delivery, alloc, peerHost);
        }

        public Options withCapacity(long bytes) {
            return new Options(leftToRight, rightToLeft, bytes, delivery, alloc, peerHost);
        }

        /** Deliveries run on {@code executor} instead of the writer's thread. */
        public Options withDelivery(Executor executor) {
            return new Options(leftToRight, rightToLeft, capacityBytes, executor, alloc, peerHost);
        }

        /**
         * Every delivery waits {@code delay} on Reactor's parallel scheduler: a slow link. Deliveries
         * of one direction stay in order (one is in flight at a time).
         */
        public Options withDeliveryDelay(java.time.Duration delay) {
            long nanos = delay.toNanos();
            if (nanos < 0) {
                throw new IllegalArgumentException("delay must be >= 0, was " + delay);
            }
            return withDelivery(task -> reactor.core.scheduler.Schedulers.parallel()
                    .schedule(task, nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
        }

        public Options withAlloc(ByteBufAllocator allocator) {
            return new Options(leftToRight, rightToLeft, capacityBytes, delivery, allocator, peerHost);
        }

        public Options withPeerHost(String host) {
            return new Options(leftToRight, rightToLeft, capacityBytes, delivery, alloc, host);
        }
    }

    private final MemoryPipe in;
    private final MemoryPipe out;
    private final Options options;
    private volatile Throwable writeFault;

    private MemoryTransport(MemoryPipe in, MemoryPipe out, Options options) {
        this.in = in;
        this.out = out;
        this.options = options;
    }

    public static Pair pair() {
        return pair(Options.defaults());
    }

    public static Pair pair(Options options) {
        MemoryPipe l2r = new MemoryPipe(options.leftToRight(), options.capacityBytes(), options.delivery());
        MemoryPipe r2l = new MemoryPipe(options.rightToLeft(), options.capacityBytes(), options.delivery());
        return new Pair(new MemoryTransport(r2l, l2r, options), new MemoryTransport(l2r, r2l, options));
    }

    @Override
    public ByteBufAllocator alloc() {
        return options.alloc();
    }

    @Override
    public String peerHost() {
        return options.peerHost();
    }

    @Override
    public void start(Listener listener) {
        in.attachReader(listener);
    }

    @Override
    public void read() {
        in.requestRead();
    }

    @Override
    public void write(ByteBuf ciphertext, WriteListener done) {
        Throwable fault = writeFault;
        if (fault != null) {
            ciphertext.release();
            done.onWriteComplete(fault);
            return;
        }
        out.write(ciphertext, done);
    }

    @Override
    public void shutdownOutput() {
        out.shutdownWriter();
    }

    @Override
    public void close() {
        out.shutdownWriter();
        in.closeReader();
    }

    /** Fault: every later write on this end fails with {@code error}. */
    public void failWrites(Throwable error) {
        writeFault = error;
    }

    /** Fault: this end's reader gets {@code error} (like a connection reset) as its next event. */
    public void injectReadError(Throwable error) {
        in.injectError(error);
    }
}
