package io.tlsduplex.bench;

import io.netty.handler.ssl.SslContext;
import io.tlsduplex.TlsEngineFactory;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.Engine;
import io.tlsduplex.bench.support.EnginePair;
import io.tlsduplex.bench.support.Pki;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.transport.MemoryTransport;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import reactor.core.publisher.Mono;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * TLS 1.3 handshakes per second, full and resumed (PSK from the previous connection's session
 * ticket), ECDSA P-256 and RSA 2048 server keys, in memory so that no socket setup or port
 * exhaustion blurs the figure. {@code adapter}: two {@link TlsStream}s over the in-memory pair
 * (delegated tasks on their executor, handshake timer), handshake and close_notify both ways. {@code engine}: the
 * same engines driven back to back on one thread, the ceiling. Score: handshakes/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// -XX:+AlwaysPreTouch: see OneConnectionBenchmark
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HandshakeBenchmark {

    /** How a full handshake is forced: a session cache key (peer port) never used before. */
    public enum Resumption { FULL, RESUMED }

    @Param({"JDK", "OPENSSL"})
    public Engine engine;

    @Param({"EC", "RSA"})
    public Pki.KeyType key;

    @Param({"FULL", "RESUMED"})
    public Resumption resumption;

    private SslContext clientCtx;
    private SslContext serverCtx;
    private TlsOptions serverOptions;
    private int nextPort = 1;

    @Setup(Level.Trial)
    public void contexts() {
        clientCtx = Pki.nettyClient(engine, Suite.TLS13_AES128, key);
        serverCtx = Pki.nettyServer(engine, Suite.TLS13_AES128, key);
        serverOptions = TlsOptions.of(serverCtx).build();
    }

    private int port() {
        if (resumption == Resumption.RESUMED) {
            return 443;
        }
        nextPort = nextPort % 60000 + 1;
        return nextPort;
    }

    @Benchmark
    public void adapter(CpuTime cpu) {
        int port = port();
        TlsEngineFactory factory = new TlsEngineFactory() {
            @Override
            public javax.net.ssl.SSLEngine newEngine(io.netty.buffer.ByteBufAllocator alloc, String host, int p) {
                return clientCtx.newEngine(alloc, "localhost", port);
            }

            @Override
            public Boolean fixedClientMode() {
                return true;
            }
        };
        TlsOptions clientOptions = TlsOptions.of(factory, true).serverName("localhost").build();
        MemoryTransport.Pair pair = MemoryTransport.pair();
        TlsStream server = TlsStream.over(pair.right(), serverOptions);
        TlsStream client = TlsStream.over(pair.left(), clientOptions);
        try {
            client.handshake().block(Duration.ofSeconds(30));
            server.handshake().block(Duration.ofSeconds(30));
            // A clean close both ways: the client's read half ends at the server's close_notify, which
            // the server sends after its session ticket, so the next connection can resume.
            Mono.when(client.writer().finish(), server.writer().finish(),
                    client.reader().receive().doOnNext(ByteBuf::release).then(),
                    server.reader().receive().doOnNext(ByteBuf::release).then())
                    .block(Duration.ofSeconds(30));
        } finally {
            client.dispose();
            server.dispose();
        }
        cpu.update();
    }

    @Benchmark
    public void engine(CpuTime cpu) throws SSLException {
        try (EnginePair pair = new EnginePair(clientCtx, serverCtx, engine, port())) {
            pair.handshake();
        }
        cpu.update();
    }
}
