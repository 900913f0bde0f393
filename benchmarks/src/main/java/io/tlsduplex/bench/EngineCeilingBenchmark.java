package io.tlsduplex.bench;

import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.Engine;
import io.tlsduplex.bench.support.EnginePair;
import io.tlsduplex.bench.support.Payload;
import io.tlsduplex.bench.support.Pki;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.internal.PumpAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
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

/**
 * The engine ceiling: one thread wraps 16 KiB records with a client engine and unwraps them with
 * a server engine, nothing else. No TLS layer over these engines can beat this on one core.
 * Score: MiB/s of plaintext (one op = 64 records = 1 MiB; the JDK's TLS 1.3 engine puts 16,367 bytes in
 * a record and the rest of each 16 KiB is not sent, so there an op is 0.1% short of a MiB).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// -XX:+AlwaysPreTouch: see OneConnectionBenchmark
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled"})
// the JDK's AES-GCM reaches its compiled speed only after 10-14 s of bulk work (seen on a quiet
// machine: the JDK ceiling went 790, 1,460, 2,040, 2,100 MiB/s in its 5th to 8th two-second
// iteration), so these runs warm up for 12 s
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineCeilingBenchmark {

    @Param({"JDK", "OPENSSL"})
    public Engine engine;

    @Param({"TLS13_AES128", "TLS13_AES256", "TLS12_AES128"})
    public Suite suite;

    /**
     * {@code REUSED}: every record goes through the same two buffers (the ceiling). {@code FRESH}:
     * a new pooled ciphertext and plaintext buffer per record, from the pumps' default allocator,
     * to tell how much of the adapter's distance to the ceiling is the memory any TLS layer that
     * hands buffers on must touch.
     */
    @Param({"REUSED", "FRESH"})
    public String buffers;

    private EnginePair pair;
    private Payload payload;
    private ByteBuffer plaintext;

    @Setup(Level.Trial)
    public void handshake() throws SSLException {
        payload = new Payload(Payload.CHUNK);
        plaintext = payload.nio();
        pair = new EnginePair(Pki.nettyClient(engine, suite, Pki.KeyType.EC),
                Pki.nettyServer(engine, suite, Pki.KeyType.EC), engine, 443);
        pair.handshake();
        String negotiated = pair.clientEngine().getSession().getCipherSuite();
        if (!negotiated.equals(suite.cipher())) {
            throw new IllegalStateException(engine + " negotiated " + negotiated + " instead of " + suite.cipher());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        pair.close();
        payload.release();
    }

    @Benchmark
    public long wrapUnwrap1MiB(CpuTime cpu) throws SSLException {
        long delivered = buffers.equals("FRESH")
                ? pair.transferFresh(plaintext, Payload.MIB / Payload.CHUNK, PumpAllocator.SHARED)
                : pair.transfer(plaintext, Payload.MIB / Payload.CHUNK);
        cpu.update();
        return delivered;
    }
}
