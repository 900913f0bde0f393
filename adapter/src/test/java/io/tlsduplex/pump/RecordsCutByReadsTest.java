package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.internal.PumpAllocator;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import io.tlsduplex.transport.Chunking;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/**
 * TLS records cut by the transport's read boundaries reach the engine whole, with every engine, and
 * netty-tcnative's OpenSSL engine gets a record cut across a few reads as those reads side by side
 * (one {@code unwrap} over several source buffers) instead of a copy of them merged. Before, every
 * read that arrived behind the unfinished part of a record was copied into one buffer: over TCP,
 * where a read of up to 64 KiB nearly always cuts a 16 KiB record, that was almost every byte.
 */
class RecordsCutByReadsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    enum Engine { JDK, OPENSSL }

    static Stream<Arguments> cuts() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (Engine engine : Engine.values()) {
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                cases.add(Arguments.of(engine, protocol, "1-byte reads", (Supplier<Chunking>) () -> Chunking.fixed(1), 48L << 10));
                cases.add(Arguments.of(engine, protocol, "3-byte reads (headers cut too)", (Supplier<Chunking>) () -> Chunking.fixed(3), 256L << 10));
                cases.add(Arguments.of(engine, protocol, "random reads up to 5,000 bytes", (Supplier<Chunking>) () -> Chunking.random(7, 5000), 4L << 20));
                cases.add(Arguments.of(engine, protocol, "reads of 6,000 bytes (a record in three or four)", (Supplier<Chunking>) () -> Chunking.fixed(6000), 4L << 20));
                cases.add(Arguments.of(engine, protocol, "random reads up to 64 KiB", (Supplier<Chunking>) () -> Chunking.random(8, 64 * 1024), 16L << 20));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1}, {2}: {4} bytes arrive intact")
    @MethodSource("cuts")
    void recordsCutByReadsArriveIntactAndInOrder(Engine engine, String protocol, String label,
            Supplier<Chunking> chunking, long size) {
        try (MemoryTls tls = connect(engine, protocol, chunking, PumpAllocator.SHARED)) {
            Payload up = Payload.of(11, size);
            assertThat(sendAndDigest(tls, up)).isEqualTo(new Payload.Digest(up.sha256(), size));
        }
    }

    /** Reads of 6,000 bytes cut each 16 KiB record into three or four pieces, never more than {@code GATHERED_CHUNKS}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void openSslUnwrapsARecordCutAcrossAFewReadsWithoutMergingThem(String protocol) {
        assertThat(mergesReceiving(Engine.OPENSSL, protocol, 4L << 20)).as("ciphertext merges on the receiving side").isZero();
    }

    /** The same cut with the JDK's engine (one source buffer per unwrap) merges: the count above can be non-zero. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void jdkEngineMergesARecordCutAcrossReads(String protocol) {
        assertThat(mergesReceiving(Engine.JDK, protocol, 1L << 20)).as("ciphertext merges on the receiving side").isPositive();
    }

    /** Sends {@code size} bytes in reads of 6,000 bytes; how many times the receiver's inbox merged ciphertext. */
    private static int mergesReceiving(Engine engine, String protocol, long size) {
        CountingAllocator serverAlloc = new CountingAllocator(PumpAllocator.SHARED);
        try (MemoryTls tls = connect(engine, protocol, () -> Chunking.fixed(6000), serverAlloc)) {
            Payload up = Payload.of(12, size);
            assertThat(sendAndDigest(tls, up)).isEqualTo(new Payload.Digest(up.sha256(), size));
        }
        // the inbox is the pump's only user of buffer(int): the pump's own buffers are heap or direct by choice
        return serverAlloc.merges.get();
    }

    /** The client sends {@code data} and closes its side; what the server read until the close. */
    private static Payload.Digest sendAndDigest(MemoryTls tls, Payload data) {
        Mono<Void> sent = tls.client().writer().send(data.buffers()).then(tls.client().writer().finish());
        return tls.await(Mono.zip(Payload.digestOf(tls.server().reader().receive()), sent.thenReturn(true)), LIMIT).getT1();
    }

    static Stream<String> protocols() {
        return Stream.of("TLSv1.3", "TLSv1.2");
    }

    private static MemoryTls connect(Engine engine, String protocol, Supplier<Chunking> chunking, ByteBufAllocator serverAlloc) {
        TlsOptions client = (engine == Engine.JDK ? MemoryTls.clientOptions(protocol)
                : TlsOptions.of(TestPki.shared().nettyClientContext(SslProvider.OPENSSL)).serverName("localhost").protocols(protocol))
                .build();
        TlsOptions server = (engine == Engine.JDK ? MemoryTls.serverOptions(protocol)
                : TlsOptions.of(TestPki.shared().nettyServerContext(SslProvider.OPENSSL)).protocols(protocol))
                .allocator(serverAlloc).build();
        return MemoryTls.connect(client, server, MemoryTransport.Options.defaults().withChunking(chunking));
    }

    /** Delegates everything; counts {@code buffer(int)}, which only the ciphertext inbox's merge calls. */
    private static final class CountingAllocator implements ByteBufAllocator {
        final AtomicInteger merges = new AtomicInteger();
        private final ByteBufAllocator d;

        CountingAllocator(ByteBufAllocator delegate) {
            this.d = delegate;
        }

        @Override public ByteBuf buffer() { return d.buffer(); }
        @Override public ByteBuf buffer(int initialCapacity) { merges.incrementAndGet(); return d.buffer(initialCapacity); }
        @Override public ByteBuf buffer(int initialCapacity, int maxCapacity) { return d.buffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf ioBuffer() { return d.ioBuffer(); }
        @Override public ByteBuf ioBuffer(int initialCapacity) { return d.ioBuffer(initialCapacity); }
        @Override public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) { return d.ioBuffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf heapBuffer() { return d.heapBuffer(); }
        @Override public ByteBuf heapBuffer(int initialCapacity) { return d.heapBuffer(initialCapacity); }
        @Override public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) { return d.heapBuffer(initialCapacity, maxCapacity); }
        @Override public ByteBuf directBuffer() { return d.directBuffer(); }
        @Override public ByteBuf directBuffer(int initialCapacity) { return d.directBuffer(initialCapacity); }
        @Override public ByteBuf directBuffer(int initialCapacity, int maxCapacity) { return d.directBuffer(initialCapacity, maxCapacity); }
        @Override public CompositeByteBuf compositeBuffer() { return d.compositeBuffer(); }
        @Override public CompositeByteBuf compositeBuffer(int maxNumComponents) { return d.compositeBuffer(maxNumComponents); }
        @Override public CompositeByteBuf compositeHeapBuffer() { return d.compositeHeapBuffer(); }
        @Override public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) { return d.compositeHeapBuffer(maxNumComponents); }
        @Override public CompositeByteBuf compositeDirectBuffer() { return d.compositeDirectBuffer(); }
        @Override public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) { return d.compositeDirectBuffer(maxNumComponents); }
        @Override public boolean isDirectBufferPooled() { return d.isDirectBufferPooled(); }
        @Override public int calculateNewCapacity(int minNewCapacity, int maxCapacity) { return d.calculateNewCapacity(minNewCapacity, maxCapacity); }
    }
}
