package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import io.tlsduplex.testing.WriteTap;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/**
 * The buffers the pump wraps application data into are sized to the data queued: a small message
 * must not pin four packets' worth of pooled memory (67 KB) until the transport has written it.
 */
class WrapBufferSizingTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    enum Engine { JDK, OPENSSL }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSmallMessageIsWrappedIntoAOneRecordBufferAndBulkDataIntoBatchesOfAtMostFourRecords(Engine engine) {
        TlsOptions client = (engine == Engine.JDK
                ? TlsOptions.client(TestPki.shared().clientContext())
                : TlsOptions.of(TestPki.shared().nettyClientContext(SslProvider.OPENSSL)))
                .serverName("localhost").protocols("TLSv1.3").build();
        MemoryTransport.Pair pair = MemoryTransport.pair();
        List<Integer> capacities = new CopyOnWriteArrayList<>();
        WriteTap recording = new WriteTap(pair.left(), ciphertext -> capacities.add(ciphertext.capacity()));
        TlsStream server = TlsStream.over(pair.right(), MemoryTls.serverOptions("TLSv1.3").build());
        TlsStream c = TlsStream.over(recording, client);
        try {
            Hang.await(c.handshake().then(server.handshake()), LIMIT, c::describe);
            int packet = packetBufferSize(engine);
            int recordMax = 16 * 1024;

            capacities.clear();
            Mono<Payload.Digest> small = Payload.digestOf(server.reader().receive().take(1));
            Mono<Void> sendSmall = c.writer().send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(new byte[64])));
            assertThat(Hang.await(Mono.zip(small, sendSmall.thenReturn(true)), LIMIT, c::describe).getT1().bytes())
                    .isEqualTo(64);
            assertThat(capacities).as("one write for one 64-byte message").hasSize(1);
            assertThat(capacities.get(0)).as("the buffer of a 64-byte message").isLessThanOrEqualTo(
                    engine == Engine.JDK ? packet : 64 + (packet - recordMax));

            capacities.clear();
            Payload bulk = Payload.of(7, 1024 * 1024, 64 * 1024);
            Mono<Void> sendBulk = c.writer().send(bulk.buffers()).then(c.writer().finish());
            Payload.Digest received = Hang.await(Mono.zip(Payload.digestOf(server.reader().receive()),
                    sendBulk.thenReturn(true)), LIMIT, c::describe).getT1();
            assertThat(received).isEqualTo(new Payload.Digest(bulk.sha256(), bulk.size()));
            assertThat(capacities).as("1 MiB in 64 KiB sends").allSatisfy(cap ->
                    assertThat(cap).isLessThanOrEqualTo(4 * packet));
            assertThat(capacities.stream().mapToInt(Integer::intValue).max().orElseThrow())
                    .as("bulk data still goes out in multi-record batches").isGreaterThan(packet);
        } finally {
            c.dispose();
            server.dispose();
        }
    }

    private static int packetBufferSize(Engine engine) {
        SSLEngine e = engine == Engine.JDK
                ? TestPki.shared().clientContext().createSSLEngine()
                : TestPki.shared().nettyClientContext(SslProvider.OPENSSL).newEngine(ByteBufAllocator.DEFAULT);
        try {
            return e.getSession().getPacketBufferSize();
        } finally {
            ReferenceCountUtil.release(e);
        }
    }
}
