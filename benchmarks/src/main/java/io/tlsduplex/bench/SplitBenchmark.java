package io.tlsduplex.bench;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.AdapterEnd;
import io.tlsduplex.bench.support.AdapterTcpStack;
import io.tlsduplex.bench.support.ByteCounter;
import io.tlsduplex.bench.support.End;
import io.tlsduplex.bench.support.Engine;
import io.tlsduplex.bench.support.NettyStack;
import io.tlsduplex.bench.support.Payload;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.bench.support.Transfer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The split path: the adapter over TCP (JDK engine, TLS 1.3 AES-128-GCM), both directions at once,
 * the same transfer as {@link BulkBenchmark#bothWays()}.
 * <ul>
 * <li>{@code SAME_THREADS}: halves used where the pump runs them (the baseline);
 * <li>{@code SPLIT_SCHEDULERS}: each end's read half is consumed on one scheduler and its write half
 *     fed from another, so reads and writes meet the pump from different threads all the time;
 * <li>{@code SPLIT_KEYUPDATE}: the same, and the client asks for a KeyUpdate (update_requested, so
 *     the server answers with its own) every 1 MiB it sends;
 * <li>{@code SECURE_SAME_THREADS}, {@code SECURE_SPLIT_SCHEDULERS}: reactor-netty {@code secure()}
 *     (Netty's SslHandler, JDK engine) used the same two ways, so the cost of the schedulers' hops
 *     themselves is told apart from the cost of the adapter's split.
 * </ul>
 * Score: MiB/s, both directions added.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// -XX:+AlwaysPreTouch: see OneConnectionBenchmark
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled"})
// 6 x 2 s like the bulk runs: the JDK's AES-GCM takes 10-14 s to reach its compiled speed
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class SplitBenchmark {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int CHUNKS_PER_MIB = Payload.MIB / Payload.CHUNK;

    public enum Mode {
        SAME_THREADS, SPLIT_SCHEDULERS, SPLIT_KEYUPDATE, SECURE_SAME_THREADS, SECURE_SPLIT_SCHEDULERS;

        boolean split() {
            return this != SAME_THREADS && this != SECURE_SAME_THREADS;
        }

        boolean secure() {
            return this == SECURE_SAME_THREADS || this == SECURE_SPLIT_SCHEDULERS;
        }
    }

    @Param({"SAME_THREADS", "SPLIT_SCHEDULERS", "SPLIT_KEYUPDATE", "SECURE_SAME_THREADS", "SECURE_SPLIT_SCHEDULERS"})
    public Mode mode;

    private Scheduler readers;
    private Scheduler writers;
    private Stack stack;
    private End client;
    private End server;
    private Payload payload;
    private final AtomicLong keyUpdates = new AtomicLong();

    /** KeyUpdates the client completed, per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long keyUpdates;

        @Setup(Level.Iteration)
        public void reset() {
            keyUpdates = 0;
        }
    }

    @Setup(Level.Trial)
    public void connect() {
        payload = new Payload(Payload.CHUNK);
        boolean split = mode.split();
        readers = split ? Schedulers.newSingle("read-halves") : null;
        writers = split ? Schedulers.newSingle("write-halves") : null;
        // a KeyUpdate every MiB is hundreds per second: far above the server's default guard against a
        // peer that re-keys without end (1,000 per minute), which would end the connection mid-run
        stack = mode.secure() ? new NettyStack(Engine.JDK, Suite.TLS13_AES128, readers)
                : new AdapterTcpStack(Engine.JDK, Suite.TLS13_AES128, false, readers,
                        server -> server.peerRekeyLimitPerMinute(Integer.MAX_VALUE));
        client = stack.connect();
        server = stack.lastAccepted();
    }

    @TearDown(Level.Trial)
    public void close() {
        stack.close();
        payload.release();
        if (readers != null) {
            readers.dispose();
            writers.dispose();
        }
    }

    private Flux<ByteBuf> source(boolean fromClient) {
        Flux<ByteBuf> data = payload.buffers(Transfer.CHUNKS);
        if (fromClient && mode == Mode.SPLIT_KEYUPDATE) {
            data = data.index().map(t -> {
                if (t.getT1() % CHUNKS_PER_MIB == CHUNKS_PER_MIB - 1) {
                    ((AdapterEnd) client).stream().keyUpdate().subscribe(null, client.received()::fail, keyUpdates::incrementAndGet);
                }
                return t.getT2();
            });
        }
        return writers == null ? data : data.subscribeOn(writers);
    }

    private CompletableFuture<Void> start(End from, End to, boolean fromClient) {
        long target = to.received().get() + (long) Transfer.CHUNKS * payload.size();
        CompletableFuture<Void> arrived = to.received().whenReaches(target);
        CompletableFuture<Void> sent = from.send(source(fromClient)).toFuture();
        return CompletableFuture.allOf(arrived, sent);
    }

    @Benchmark
    @OperationsPerInvocation(2 * Transfer.MIB_PER_DIRECTION)
    public void bothWays(Counters counters, CpuTime cpu) {
        long before = keyUpdates.get();
        ByteCounter.await(CompletableFuture.allOf(start(client, server, true), start(server, client, false)), LIMIT);
        counters.keyUpdates += keyUpdates.get() - before;
        cpu.update();
    }
}
