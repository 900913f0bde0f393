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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The adapter over the in-memory pair (inline delivery: one thread wraps, moves and unwraps), one
 * direction. Held against {@link EngineCeilingBenchmark}, which does the same engine work with no
 * adapter at all, this is the adapter's own cost. Score: MiB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryBulkBenchmark {

    @Param({"MEMORY_ADAPTER_JDK", "MEMORY_ADAPTER_OPENSSL"})
    public StackKind stack;

    @Param({"TLS13_AES128", "TLS13_AES256", "TLS12_AES128"})
    public Suite suite;

    private Stack connections;
    private End client;
    private End server;
    private Payload payload;

    @Setup(Level.Trial)
    public void connect() {
        payload = new Payload(Payload.CHUNK);
        connections = stack.open(suite, false);
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
}
