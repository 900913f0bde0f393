package io.tlsduplex.splitsafety;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.transport.Chunking;
import io.tlsduplex.transport.MemoryTransport;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A many-thread hammer of the pump's wake-up logic. Ping-pong of one byte at a time: the client
 * sends byte i only after byte i-1 came back, so every step needs a wake-up to travel from a
 * transport delivery thread through the pump to a half on another thread, and back. A single lost
 * wake-up stops the exchange for good, which the bound turns into a failure with both pumps' state.
 * Meanwhile another thread keeps asking for KeyUpdates, so commands race with data on the WIP counter.
 * Invariants checked: every byte comes back, in order, exactly once; the run completes.
 */
class WakeUpHammerTest {
    private static final int ROUNDS = Integer.getInteger("splitsafety.hammer.rounds", 6);
    private static final int PINGS = Integer.getInteger("splitsafety.hammer.pings", 400);

    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.range(0, ROUNDS).map(i -> 11 + i);
    }

    @ParameterizedTest(name = "round with deliveries on 4 threads, random chunks (seed {0}): no wake-up is lost")
    @MethodSource("seeds")
    void pingPongOneByteAtATimeNeverStalls(long seed) {
        ExecutorService delivery = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hammer-delivery");
            t.setDaemon(true);
            return t;
        });
        long[] chunkSeed = {seed};
        MemoryTransport.Options pipe = MemoryTransport.Options.defaults()
                .withChunking(() -> Chunking.random(chunkSeed[0]++, 40))
                .withCapacity(64)
                .withDelivery(delivery);
        try (MemoryTls tls = MemoryTls.connect(MemoryTls.clientOptions("TLSv1.3").build(),
                MemoryTls.serverOptions("TLSv1.3").build(), pipe)) {
            TlsStream.Split client = tls.client().split();
            TlsStream.Split server = tls.server().split();
            // the server echoes whatever it reads, from its own thread
            server.writer().send(server.reader().receive().publishOn(Schedulers.boundedElastic(), 1))
                    .subscribe(v -> { }, e -> { });

            Sinks.Many<ByteBuf> out = Sinks.many().unicast().onBackpressureBuffer();
            AtomicInteger expected = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            Mono<Integer> echoed = client.reader().receive()
                    .publishOn(Schedulers.parallel(), 1)
                    .concatMapIterable(b -> {
                        byte[] bytes = new byte[b.readableBytes()];
                        b.readBytes(bytes);
                        b.release();
                        java.util.List<Integer> l = new java.util.ArrayList<>();
                        for (byte x : bytes) {
                            l.add(x & 0xff);
                        }
                        return l;
                    })
                    .take(PINGS)
                    .doOnNext(v -> {
                        int i = expected.getAndIncrement();
                        if (v != (i & 0xff)) {
                            wrong.incrementAndGet();
                        }
                        if (i + 1 < PINGS) {
                            out.emitNext(Unpooled.wrappedBuffer(new byte[] {(byte) (i + 1)}), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                        }
                    })
                    .count()
                    .map(Long::intValue);
            client.writer().send(out.asFlux().publishOn(Schedulers.boundedElastic(), 1)).subscribe(v -> { }, e -> { });
            // key updates race with the ping-pong on the pump's WIP counter
            Flux.interval(Duration.ofMillis(7)).take(40).concatMap(i -> tls.client().keyUpdate().onErrorResume(e -> Mono.empty()))
                    .subscribe();
            out.emitNext(Unpooled.wrappedBuffer(new byte[] {0}), Sinks.EmitFailureHandler.FAIL_FAST);

            int count = tls.await(echoed, Duration.ofSeconds(60));
            assertThat(count).isEqualTo(PINGS);
            assertThat(wrong.get()).as("bytes that came back out of order or changed").isZero();
        } finally {
            // after the streams are disposed: let deliveries in flight reach the (closed) pumps, which release them
            delivery.shutdown();
            try {
                delivery.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
