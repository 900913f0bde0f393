package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.netty.TlsTcp;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.transport.Chunking;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * Many concurrent TLS 1.3 connections, each streaming a random amount both ways with a KeyUpdate
 * every 64 KiB, halves on different schedulers: every byte arrives (SHA-256 equal), no connection
 * hangs, every key update completes, and peak memory is reported. {@code -Dreliability.connections}
 * (CI 100, heavy 1000) and {@code -Dreliability.maxBytesPerDirection} (CI 256 KiB, heavy 1 MiB).
 */
class ConcurrentLoadTest {
    private static final Comparator<Payload.Digest> ORDER =
            Comparator.comparing(Payload.Digest::sha256).thenComparingLong(Payload.Digest::bytes);

    private static Duration bound() {
        return Duration.ofSeconds(Long.getLong("reliability.loadBoundSeconds", 100));
    }

    /**
     * All connections start at once, so their handshakes queue for the CPU: 1,000 of them (2,000
     * engines) on two shared cores take longer than the 10 s default, which then fires as designed.
     * This test is about streaming under load, so it gives handshakes five minutes.
     */
    private static final Duration HANDSHAKE_UNDER_LOAD = Duration.ofMinutes(5);

    private static TlsOptions client() {
        return SharedContexts.clientOptions("TLSv1.3").handshakeTimeout(HANDSHAKE_UNDER_LOAD).build();
    }

    private static TlsOptions server() {
        return SharedContexts.serverOptions("TLSv1.3").handshakeTimeout(HANDSHAKE_UNDER_LOAD).build();
    }

    private static Payload payload(long stream, int id) {
        long seed = Knobs.seed() * 31 + stream * 1_000_003L + id;
        int size = new SplittableRandom(seed).nextInt(Knobs.maxBytesPerDirection() + 1);
        return Payload.of(seed, size);
    }

    private static List<Payload.Digest> expected(long stream, int n) {
        List<Payload.Digest> digests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Payload p = payload(stream, i);
            digests.add(new Payload.Digest(p.sha256(), p.size()));
        }
        digests.sort(ORDER);
        return digests;
    }

    private static List<Payload.Digest> sorted(Queue<Payload.Digest> got) {
        List<Payload.Digest> list = new ArrayList<>(got);
        list.sort(ORDER);
        return list;
    }

    private static void report(String transport, int n, Streaming streaming, MemoryPeaks peaks, long startedNanos) {
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += payload(1, i).size() + payload(2, i).size();
        }
        System.out.printf("RELIABILITY load transport=%s connections=%d bytes=%d keyUpdates=%d refusedAfterPeerClose=%d %s ms=%d%n",
                transport, n, bytes, streaming.keyUpdatesDone(), streaming.keyUpdatesRefused(), peaks,
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    private static void assertEveryByteArrived(int n, Queue<Payload.Digest> clientsGot, Queue<Payload.Digest> serversGot,
                                               Streaming streaming, MemoryPeaks peaks) {
        assertThat(sorted(serversGot)).as("what the servers received").isEqualTo(expected(1, n));
        assertThat(sorted(clientsGot)).as("what the clients received").isEqualTo(expected(2, n));
        assertThat(streaming.keyUpdateErrors()).as("failed key updates").isEmpty();
        assertThat(streaming.keyUpdatesDone() + streaming.keyUpdatesRefused())
                .isEqualTo(streaming.keyUpdatesAsked());
        assertThat(streaming.keyUpdatesDone()).isPositive();
        // A sanity bound, not a tight one: about 1.3 MiB of windows and buffers per connection
        // (read buffers, write windows, pipe capacity) on both sides, plus the allocator's own chunks.
        long bound = n * (2L << 20) + (64L << 20);
        assertThat(peaks.peakPooledHeap() + peaks.peakPooledDirect()).as("pooled memory at peak").isLessThan(bound);
        assertThat(Threads.blockedInAdapter()).as("threads left waiting in the adapter").isEmpty();
    }

    @Test
    void manyInMemoryConnectionsStreamBothWaysWithKeyUpdatesAndEveryByteArrives() {
        int n = Knobs.connections();
        Streaming streaming = new Streaming();
        Queue<Payload.Digest> clientsGot = new ConcurrentLinkedQueue<>();
        Queue<Payload.Digest> serversGot = new ConcurrentLinkedQueue<>();
        List<MemoryTls> connections = new ArrayList<>();
        long started = System.nanoTime();
        try (MemoryPeaks peaks = new MemoryPeaks()) {
            Flux<Integer> all = Flux.range(0, n).flatMap(i -> {
                long seed = Knobs.seed() + i;
                // deliveries hop to the parallel scheduler, like event loops; random record cuts
                MemoryTransport.Options pipe = MemoryTransport.Options.defaults()
                        .withChunking(() -> Chunking.random(seed, 20_000))
                        .withDelivery(task -> Schedulers.parallel().schedule(task));
                MemoryTls tls = MemoryTls.connect(client(), server(), pipe);
                synchronized (connections) {
                    connections.add(tls);
                }
                Mono<Void> client = streaming.run(tls.client(), payload(1, i)).doOnNext(clientsGot::add).then();
                Mono<Void> server = streaming.run(tls.server(), payload(2, i)).doOnNext(serversGot::add).then();
                return Mono.when(client, server).then(tls.client().onClose()).then(tls.server().onClose()).thenReturn(i);
            }, n);
            Hang.await(all.then(), bound(), () -> connections.stream().filter(c -> !c.client().isDisposed())
                    .limit(5).map(c -> "client " + c.client().describe() + "\nserver " + c.server().describe())
                    .reduce("unfinished connections (first 5):", (a, b) -> a + "\n" + b));
            peaks.close();
            report("memory", n, streaming, peaks, started);
            assertEveryByteArrived(n, clientsGot, serversGot, streaming, peaks);
        } finally {
            connections.forEach(MemoryTls::close);
        }
    }

    @Test
    void manyLoopbackTcpConnectionsOnOneEventLoopGroupStreamBothWaysWithKeyUpdatesAndEveryByteArrives() {
        int n = Knobs.connections();
        Streaming streaming = new Streaming();
        Queue<Payload.Digest> clientsGot = new ConcurrentLinkedQueue<>();
        Queue<Payload.Digest> serversGot = new ConcurrentLinkedQueue<>();
        Queue<TlsStream> streams = new ConcurrentLinkedQueue<>();
        AtomicInteger accepted = new AtomicInteger();
        LoopResources loops = LoopResources.create("reliability-load", 2, true);
        TlsOptions serverOptions = server();
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0).runOn(loops))
                .handle(TlsTcp.serve(serverOptions, tls -> {
                    streams.add(tls);
                    return streaming.run(tls, payload(2, accepted.getAndIncrement())).doOnNext(serversGot::add).then();
                }))
                .bindNow();
        long started = System.nanoTime();
        try (MemoryPeaks peaks = new MemoryPeaks()) {
            TcpClient tcp = TcpClient.create().host("127.0.0.1").port(server.port()).runOn(loops);
            TlsOptions clientOptions = client();
            Flux<Integer> all = Flux.range(0, n).flatMap(i -> TlsTcp.connect(tcp, clientOptions).flatMap(tls -> {
                streams.add(tls);
                return streaming.run(tls, payload(1, i)).doOnNext(clientsGot::add).then(tls.onClose()).thenReturn(i);
            }), n);
            Hang.await(all.then(), bound(), () -> streams.stream().filter(s -> !s.isDisposed()).limit(10)
                    .map(TlsStream::describe).reduce("unfinished streams (first 10):", (a, b) -> a + "\n" + b));
            // the servers' side ends when their stream closed: wait for every handler's result
            Hang.await(Flux.interval(Duration.ofMillis(10)).filter(t -> serversGot.size() >= n).next(), bound(),
                    () -> serversGot.size() + " of " + n + " server sides done");
            peaks.close();
            report("tcp", n, streaming, peaks, started);
            assertThat(accepted).hasValue(n);
            assertEveryByteArrived(n, clientsGot, serversGot, streaming, peaks);
        } finally {
            streams.forEach(TlsStream::dispose);
            server.disposeNow();
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
