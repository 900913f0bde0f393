package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.netty.TlsTcp;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A peer that writes a lot to a reader that asks for one buffer per 10 ms tick of a scheduler:
 * the writer must be held back (bytes produced by its source minus bytes consumed by the reader
 * stay bounded), the reader's pump must keep its plaintext and ciphertext within the read buffer
 * plus one transport read, and memory must not grow with the amount sent.
 * {@code -Dreliability.slowReaderBytes} (CI 64 MiB, heavy profile 1 GiB).
 */
class SlowReaderTest {
    private static final Duration TICK = Duration.ofMillis(10);
    private static final int READ_BUFFER = 64 * 1024;

    /** What the run saw at its worst, sampled on every tick. */
    private static final class Worst {
        final AtomicLong produced = new AtomicLong();
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong unconsumed = new AtomicLong();
        final AtomicLong readerPlaintext = new AtomicLong();
        final AtomicLong readerCiphertext = new AtomicLong();
        final AtomicLong writerInFlight = new AtomicLong();
        final AtomicLong ticksFullAndNotReading = new AtomicLong();
        final AtomicLong ticks = new AtomicLong();

        void sample(TlsStream reader, TlsStream writer) {
            ticks.incrementAndGet();
            unconsumed.accumulateAndGet(produced.get() - consumed.get(), Math::max);
            PumpGauges r = PumpGauges.of(reader);
            PumpGauges w = PumpGauges.of(writer);
            readerPlaintext.accumulateAndGet(r.plaintextBuffered(), Math::max);
            readerCiphertext.accumulateAndGet(r.ciphertextBuffered(), Math::max);
            writerInFlight.accumulateAndGet(w.ciphertextInFlight(), Math::max);
            if (r.plaintextBuffered() >= READ_BUFFER && !r.readOutstanding()) {
                ticksFullAndNotReading.incrementAndGet();
            }
        }

        @Override
        public String toString() {
            return "maxUnconsumedBytes=" + unconsumed + " maxReaderPlaintext=" + readerPlaintext
                    + " maxReaderCiphertext=" + readerCiphertext + " maxWriterInFlight=" + writerInFlight
                    + " ticks=" + ticks + " ticksFullAndNotReading=" + ticksFullAndNotReading;
        }
    }

    /** Requests one buffer per tick; digests and releases each. */
    private static final class OnePerTick extends BaseSubscriber<ByteBuf> {
        private final MessageDigest sha = sha256();
        private final Worst worst;
        private final Sinks.One<String> done = Sinks.one();
        private final AtomicLong items = new AtomicLong();

        OnePerTick(Worst worst) {
            this.worst = worst;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no demand here: the ticks make it
        }

        @Override
        protected void hookOnNext(ByteBuf b) {
            try {
                worst.consumed.addAndGet(b.readableBytes());
                items.incrementAndGet();
                sha.update(b.nioBuffer());
            } finally {
                b.release();
            }
        }

        @Override
        protected void hookOnComplete() {
            done.tryEmitValue(HexFormat.of().formatHex(sha.digest()));
        }

        @Override
        protected void hookOnError(Throwable t) {
            done.tryEmitError(t);
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static TlsOptions readerOptions() {
        return MemoryTls.clientOptions("TLSv1.3").readBufferBytes(READ_BUFFER).build();
    }

    /** Runs the slow read of {@code payload} written by {@code writer} and read by {@code reader}. */
    private static Worst slowRead(String transport, TlsStream reader, TlsStream writer, Payload payload,
                                  long unconsumedBound, long readerBound) {
        Worst worst = new Worst();
        OnePerTick subscriber = new OnePerTick(worst);
        long started = System.nanoTime();
        try (MemoryPeaks peaks = new MemoryPeaks()) {
            long pooledBefore = peaks.peakPooledHeap() + peaks.peakPooledDirect();
            reader.reader().receive().subscribe(subscriber);
            writer.writer().send(payload.buffers().doOnNext(b -> worst.produced.addAndGet(b.readableBytes())))
                    .then(writer.writer().finish()).subscribe();
            // boundedElastic, not parallel: describe() (the gauges) takes the JDK engine's lock, which
            // BlockHound rightly flags on a non-blocking thread when the pump holds it
            Disposable ticks = Flux.interval(TICK, Schedulers.boundedElastic()).subscribe(t -> {
                worst.sample(reader, writer);
                subscriber.request(1);
            });
            try {
                long expectedTicks = payload.size() / (16 * 1024) + 100;
                Duration bound = TICK.multipliedBy(expectedTicks).multipliedBy(4).plusSeconds(30);
                String sha = Hang.await(subscriber.done.asMono(), bound,
                        () -> worst + "\nreader " + reader.describe() + "\nwriter " + writer.describe());
                assertThat(sha).isEqualTo(payload.sha256());
            } finally {
                ticks.dispose();
            }
            peaks.close();
            System.out.printf("RELIABILITY slow-reader transport=%s bytes=%d items=%d %s %s ms=%d%n", transport,
                    payload.size(), subscriber.items.get(), worst, peaks, (System.nanoTime() - started) / 1_000_000);
            assertThat(worst.consumed).hasValue(payload.size());
            assertThat(worst.unconsumed.get()).as("bytes produced by the writer's source and not yet read: the writer is held back")
                    .isLessThanOrEqualTo(unconsumedBound);
            // The read buffer is checked before each transport read, and one read may carry far more
            // than it, all of it unwrapped at once: see the callers for what one read is.
            assertThat(worst.readerPlaintext.get() + worst.readerCiphertext.get())
                    .as("reader's decrypted plus undecrypted bytes at most").isLessThanOrEqualTo(readerBound);
            assertThat(worst.writerInFlight.get()).as("writer's ciphertext handed to the transport and not confirmed")
                    .isLessThanOrEqualTo(256 * 1024 + 4 * 17 * 1024);
            assertThat(worst.ticksFullAndNotReading.get()).as("ticks at which the reader's buffer was full and it did not read")
                    .isPositive();
            long pooledGrowth = peaks.peakPooledHeap() + peaks.peakPooledDirect() - pooledBefore;
            assertThat(pooledGrowth).as("pooled memory growth over the whole run").isLessThanOrEqualTo(32L << 20);
            return worst;
        }
    }

    @Test
    void aReaderTakingOneBufferPerTickHoldsTheInMemoryWriterBackAndItsBuffersStayBounded() {
        Payload payload = Payload.of(Knobs.seed(), Knobs.slowReaderBytes());
        try (MemoryTls tls = MemoryTls.connect(readerOptions(), MemoryTls.serverOptions("TLSv1.3").build())) {
            // in memory: the writer's source prefetch (16 x 16 KiB), its outbox, the write window
            // (256 KiB), the pipe (256 KiB) and the reader's buffers: about 2 MiB; 4 MiB allowed
            // one in-memory read: up to 16 pieces of one wrap batch (4 records) each, about 1 MiB
            slowRead("memory", tls.client(), tls.server(), payload, 4L << 20, 2L << 20);
            Hang.await(tls.client().writer().finish().then(tls.client().onClose()).then(tls.server().onClose()),
                    Duration.ofSeconds(10), tls::toString);
        }
    }

    @Test
    void aReaderTakingOneBufferPerTickHoldsTheTcpWriterBackAndItsBuffersStayBounded() {
        Payload payload = Payload.of(Knobs.seed() + 1, Knobs.slowReaderBytes());
        AtomicReference<TlsStream> serverStream = new AtomicReference<>();
        Sinks.One<TlsStream> accepted = Sinks.one();
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(MemoryTls.serverOptions("TLSv1.3").build(), tls -> {
                    serverStream.set(tls);
                    accepted.tryEmitValue(tls);
                    return Mono.never(); // the test drives it; serve() keeps the connection until it closes
                }))
                .bindNow();
        TlsStream client = null;
        try {
            client = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), readerOptions())
                    .block(Duration.ofSeconds(10));
            TlsStream writer = Hang.await(accepted.asMono(), Duration.ofSeconds(10), () -> "no connection accepted");
            // over TCP the kernel's socket buffers (several MiB on loopback) sit between the halves too
            // one Netty read(): up to 16 socket reads of up to 64 KiB, about 1 MiB; up to 2 MiB beyond
            // the read buffer was seen on the loaded 2-core machine, so 4 MiB is the bound here
            slowRead("tcp", client, writer, payload, 16L << 20, 4L << 20);
            TlsStream reader = client;
            Hang.await(client.writer().finish().then(client.onClose()).then(writer.onClose()),
                    Duration.ofSeconds(10), reader::describe);
        } finally {
            if (client != null) {
                client.dispose();
            }
            if (serverStream.get() != null) {
                serverStream.get().dispose();
            }
            server.disposeNow();
        }
    }
}
