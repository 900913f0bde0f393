package io.tlsduplex.bench;

import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.End;
import io.tlsduplex.bench.support.Payload;
import io.tlsduplex.bench.support.Stack;
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
 * The bulk runs' common shape: one connection of a {@link Stack} opened per trial, 16 KiB buffers of
 * one shared payload, and the one-way transfer. Subclasses name the stack (their JMH parameters)
 * and may add more transfer shapes; JMH names each result after the subclass. Score: MiB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// -XX:+AlwaysPreTouch: without it, every fork first runs through its untouched 2 GiB heap, and each
// new page costs a fault (about 20 us on this VM). A stack that allocates little per MiB stays in
// that phase for tens of seconds: the OpenSSL runs measured 1,300-2,300 MiB/s, with page faults at
// the top of the profile, until the heap had been used once, then 3,500-4,000 (docs/benchmarks.md)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled"})
// the JDK's AES-GCM reaches its compiled speed only after 10-14 s of bulk work (seen on a quiet
// machine: the JDK ceiling went 790, 1,460, 2,040, 2,100 MiB/s in its 5th to 8th two-second
// iteration), so these runs warm up for 12 s
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class OneConnectionBenchmark {
    private Stack connections;
    protected End client;
    protected End server;
    protected Payload payload;

    /** The stack to open for this trial, from the subclass's parameters. */
    protected abstract Stack open();

    @Setup(Level.Trial)
    public void connect() {
        payload = new Payload(Payload.CHUNK);
        connections = open();
        client = connections.connect();
        server = connections.lastAccepted();
    }

    @TearDown(Level.Trial)
    public void close() {
        connections.close();
        payload.release();
    }

    /** Client to server only. */
    @Benchmark
    @OperationsPerInvocation(Transfer.MIB_PER_DIRECTION)
    public void oneWay(CpuTime cpu) {
        Transfer.oneWay(client, server, payload);
        cpu.update();
    }
}
