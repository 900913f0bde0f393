package io.tlsduplex.bench;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.ByteCounter;
import io.tlsduplex.bench.support.End;
import io.tlsduplex.bench.support.Payload;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Small messages: every connection sends 64 bytes, the server echoes them, and the round is over
 * when every connection has its 64 bytes back; then the next round. TLS 1.3 AES-128-GCM on
 * loopback TCP. The figure is the {@code roundTrips} counter: round trips per second, all
 * connections added (the primary score counts rounds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// -XX:+AlwaysPreTouch: see OneConnectionBenchmark
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EchoBenchmark {
    private static final int MESSAGE = 64;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Param({"ADAPTER_JDK", "ADAPTER_OPENSSL", "SECURE_JDK", "SECURE_OPENSSL", "PLAIN_TCP"})
    public StackKind stack;

    @Param({"1", "64", "1000"})
    public int connections;

    private Stack server;
    private final List<End> clients = new ArrayList<>();
    private Payload message;

    /** Round trips completed, reported by JMH per second next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long roundTrips;

        @Setup(Level.Iteration)
        public void reset() {
            roundTrips = 0;
        }
    }

    @Setup(Level.Trial)
    public void connect() {
        message = new Payload(MESSAGE);
        server = stack.open(Suite.TLS13_AES128, true);
        for (int i = 0; i < connections; i++) {
            clients.add(server.connect());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        server.close();
        clients.clear();
        message.release();
    }

    @Benchmark
    public void roundTrip(Counters counters, CpuTime cpu) {
        CompletableFuture<?>[] done = new CompletableFuture<?>[clients.size()];
        for (int i = 0; i < done.length; i++) {
            End c = clients.get(i);
            CompletableFuture<Void> back = c.received().whenReaches(c.received().get() + MESSAGE);
            // the send must complete too before the next round: one send at a time per write half
            CompletableFuture<Void> sent = c.send(Mono.<ByteBuf>just(message.next())).toFuture();
            done[i] = CompletableFuture.allOf(back, sent);
        }
        ByteCounter.await(CompletableFuture.allOf(done), LIMIT);
        counters.roundTrips += done.length;
        cpu.update();
    }
}
