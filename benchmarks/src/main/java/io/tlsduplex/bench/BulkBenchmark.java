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
 * Bulk throughput over loopback TCP, 16 KiB writes, one connection: the adapter against
 * reactor-netty {@code secure()} with the same engine and cipher suite, and against the JDK's
 * blocking {@code SSLSocket}. The score is MiB/s of plaintext delivered, summed over both
 * directions in {@code bothWays}. {@link PlainTcpBenchmark} is the ceiling without TLS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BulkBenchmark {

    @Param({"ADAPTER_JDK", "ADAPTER_OPENSSL", "SECURE_JDK", "SECURE_OPENSSL", "SSLSOCKET_JDK"})
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

    /** Client to server only. Score: MiB/s. */
    @Benchmark
    @OperationsPerInvocation(Transfer.MIB_PER_DIRECTION)
    public void oneWay(CpuTime cpu) {
        Transfer.oneWay(client, server, payload);
        cpu.update();
    }

    /** Both directions at once on the same connection. Score: MiB/s, both directions added. */
    @Benchmark
    @OperationsPerInvocation(2 * Transfer.MIB_PER_DIRECTION)
    public void bothWays(CpuTime cpu) {
        Transfer.bothWays(client, server, payload);
        cpu.update();
    }
}
