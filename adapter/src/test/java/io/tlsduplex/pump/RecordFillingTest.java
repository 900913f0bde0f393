package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.TestPki;
import io.tlsduplex.testing.WriteTap;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bulk plaintext goes out in full TLS records. The JDK's TLS 1.3 engine puts at most 16,367 bytes
 * in a record (it keeps room for padding), so a 16 KiB buffer wrapped on its own is two records, the
 * second of 17 bytes, each with the engine's whole per-record cost and, before this was fixed, each
 * in a transport write of its own: the in-memory JDK run did twice the records of the engine ceiling.
 */
class RecordFillingTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int KIB16 = 16 * 1024;

    enum Engine { JDK, OPENSSL }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sixtyFourBuffersOf16KibFromASynchronousPublisherGoOutAsFullRecords(Engine engine) {
        try (Wire wire = Wire.open(engine)) {
            ByteBuf shared = Unpooled.wrappedBuffer(new byte[KIB16]);
            Flux<ByteBuf> burst = Flux.range(0, 64).map(i -> shared.retainedDuplicate());
            long total = 64L * KIB16;

            wire.send(burst, total);

            // 1 MiB is 65 records of at most 16,367 bytes (JDK) or 64 of 16,384 (OpenSSL); wrapped one
            // buffer at a time, the JDK engine makes 128
            assertThat(wire.records()).as("records for 1 MiB sent as 64 buffers of 16 KiB").isLessThanOrEqualTo(66);
            assertThat(wire.writes()).as("transport writes (at most four records each)").isLessThanOrEqualTo(18);
            shared.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void oneBufferOf16KibGoesOutInOneTransportWrite(Engine engine) {
        try (Wire wire = Wire.open(engine)) {
            wire.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(new byte[KIB16])), KIB16);

            assertThat(wire.records()).as("records for one 16 KiB buffer").isEqualTo(engine == Engine.JDK ? 2 : 1);
            assertThat(wire.writes()).as("transport writes for one 16 KiB buffer").isEqualTo(1);
        }
    }

    /** A client and a server over the in-memory pair, the client's application-data writes recorded. */
    private static final class Wire implements AutoCloseable {
        private final TlsStream client;
        private final TlsStream server;
        private final List<List<Integer>> recordSizes;

        private Wire(TlsStream client, TlsStream server, List<List<Integer>> recordSizes) {
            this.client = client;
            this.server = server;
            this.recordSizes = recordSizes;
        }

        static Wire open(Engine engine) {
            TlsOptions options = (engine == Engine.JDK
                    ? TlsOptions.client(TestPki.shared().clientContext())
                    : TlsOptions.of(TestPki.shared().nettyClientContext(SslProvider.OPENSSL)))
                    .serverName("localhost").protocols("TLSv1.3").build();
            MemoryTransport.Pair pair = MemoryTransport.pair();
            List<List<Integer>> recordSizes = new CopyOnWriteArrayList<>();
            WriteTap recording = new WriteTap(pair.left(), ciphertext -> recordSizes.add(recordLengths(ciphertext)));
            TlsStream server = TlsStream.over(pair.right(), MemoryTls.serverOptions("TLSv1.3").build());
            TlsStream client = TlsStream.over(recording, options);
            Wire wire = new Wire(client, server, recordSizes);
            Hang.await(client.handshake().then(server.handshake()), LIMIT, client::describe);
            // the server's session tickets may still be on their way: one round trip settles them
            wire.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(new byte[1])), 1);
            return wire;
        }

        /** Sends {@code data} and waits until the server read all {@code bytes}; records only these writes. */
        void send(Publisher<? extends ByteBuf> data, long bytes) {
            recordSizes.clear();
            Mono<Long> received = server.reader().receive()
                    .scan(0L, (n, b) -> {
                        long total = n + b.readableBytes();
                        b.release();
                        return total;
                    })
                    .filter(n -> n >= bytes)
                    .next();
            long got = Hang.await(Mono.zip(received, client.writer().send(data).thenReturn(true)),
                    LIMIT, client::describe).getT1();
            assertThat(got).isEqualTo(bytes);
        }

        long records() {
            return recordSizes.stream().mapToLong(List::size).sum();
        }

        int writes() {
            return recordSizes.size();
        }

        @Override
        public void close() {
            client.dispose();
            server.dispose();
        }
    }

    /** The lengths of the TLS records in one ciphertext write, which must hold whole records. */
    private static List<Integer> recordLengths(ByteBuf ciphertext) {
        List<Integer> records = new ArrayList<>();
        int at = ciphertext.readerIndex();
        while (at + 5 <= ciphertext.writerIndex()) {
            int length = ciphertext.getUnsignedShort(at + 3);
            records.add(length);
            at += 5 + length;
        }
        assertThat(at).as("a write holds whole records").isEqualTo(ciphertext.writerIndex());
        return records;
    }
}
