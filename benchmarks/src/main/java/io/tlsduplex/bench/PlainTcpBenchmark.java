package io.tlsduplex.bench;

import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.End;
import io.tlsduplex.bench.support.Payload;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.bench.support.Transfer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transport ceiling: the same bulk transfer as {@link BulkBenchmark} over reactor-netty TCP
 * without TLS. Score: MiB/s (both directions added in {@code bothWays}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PlainTcpBenchmark {
    private Stack connections;
    private End client;
    private End server;
    private Payload payload;

    @Setup(Level.Trial)
    public void connect() {
        payload = new Payload(Payload.CHUNK);
        connections = StackKind.PLAIN_TCP.open(Suite.TLS13_AES128, false);
        client = connections.connect();
        server = connections.lastAccepted();
    }

    @TearDown(Level.Trial)
    public void close() {
        connections.close();
        payload.release();
    }

    @Benchmark
    @OperationsPerInvocation(Transfer.MIB_PER_DIRECTION)
    public void oneWay(CpuTime cpu) {
        Transfer.oneWay(client, server, payload);
        cpu.update();
    }

    @Benchmark
    @OperationsPerInvocation(2 * Transfer.MIB_PER_DIRECTION)
    public void bothWays(CpuTime cpu) {
        Transfer.bothWays(client, server, payload);
        cpu.update();
    }
}
