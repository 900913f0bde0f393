package io.tlsduplex.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.TlsTimeoutException;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A seeded fuzz run against one stream at a time, with the hostile peer writing raw bytes to the
 * other end of an in-memory pair. Every case must end with an {@link SSLException} (the same
 * instance on both halves) within {@link #BOUND}, the transport closed, and no buffer leaked.
 * {@code -Dreliability.fuzzCases} sets the total (CI 3,500; heavy profile 100,000) and
 * {@code -Dreliability.seed} the base seed; a failure names the case seed that replays it.
 */
class HostileInputFuzzTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int FAMILIES = 7;
    private static final int MAX_RECORD = 16384 + 2048;

    /** The handshake-then-garbage family: a fifth of a share (a full handshake per case costs ~20x). */
    private static int garbageCases() {
        return Math.max(1, Knobs.fuzzCases() / (FAMILIES * 5));
    }

    /** Every other family: an equal part of the rest, so the families add up to the total. */
    private static int casesPerFamily() {
        return Math.max(1, (Knobs.fuzzCases() - garbageCases()) / (FAMILIES - 1));
    }

    /** One case: a target stream, its hostile raw peer, and what the case did (for the failure message). */
    private record Case(long seed, String protocol, boolean targetIsServer, TlsStream target, RawPeer hostile,
                        Ends ends, StringBuilder story) {

        static Case start(long seed, int family, TlsOptions.Builder serverTweaks, boolean allowClientTarget) {
            SplittableRandom r = new SplittableRandom(seed);
            String protocol = r.nextBoolean() ? "TLSv1.3" : "TLSv1.2";
            boolean targetIsServer = !allowClientTarget || r.nextBoolean();
            MemoryTransport.Pair pair = MemoryTransport.pair();
            TlsOptions options = targetIsServer
                    ? (serverTweaks != null ? serverTweaks : SharedContexts.serverOptions(protocol)).protocols(protocol).build()
                    : SharedContexts.clientOptions(protocol).build();
            return over(pair, options, seed, family, protocol, targetIsServer);
        }

        /** A server target with exactly these options. */
        static Case server(TlsOptions options, long seed, int family) {
            return over(MemoryTransport.pair(), options, seed, family, String.join("+", options.protocols()), true);
        }

        private static Case over(MemoryTransport.Pair pair, TlsOptions options, long seed, int family, String protocol,
                                 boolean targetIsServer) {
            TlsStream target = TlsStream.over(pair.right(), options);
            RawPeer hostile = RawPeer.on(pair.left());
            return new Case(seed, protocol, targetIsServer, target, hostile, Ends.watch(target),
                    new StringBuilder("family " + family + " seed " + seed + " " + protocol
                            + (targetIsServer ? " server" : " client") + " target: "));
        }

        List<Relay.TlsRecord> flight() {
            return Corpus.of(protocol).flightTowards(targetIsServer);
        }

        void send(byte[] bytes, String what) {
            story.append(what).append(" (").append(bytes.length).append(" bytes); ");
            hostile.write(bytes);
        }

        void eof() {
            story.append("EOF; ");
            hostile.shutdownOutput();
        }

        /** Both halves failed alike with an SSLException; the hostile side saw the transport close. */
        Class<?> assertRejected() {
            try {
                SSLException e = ends.assertFailedWith(SSLException.class, BOUND);
                Hang.await(hostile.ended(), BOUND, target::describe);
                return e.getClass();
            } catch (AssertionError | RuntimeException failure) {
                throw new AssertionError("case failed: " + story + "\n" + failure.getMessage(), failure);
            } finally {
                target.dispose();
                hostile.close();
            }
        }
    }

    /** Runs {@code casesPerFamily()} seeded cases of one family and prints the tally of outcomes. */
    private static void run(int family, String name, CaseBody body) {
        run(family, name, casesPerFamily(), body);
    }

    private static void run(int family, String name, int n, CaseBody body) {
        Map<String, Integer> outcomes = new TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long seed = Knobs.seed() * 1_000_003L + family * 10_000_000L + i;
            Class<?> outcome = body.run(seed, new SplittableRandom(seed ^ 0x5DEECE66DL));
            outcomes.merge(outcome.getSimpleName(), 1, Integer::sum);
        }
        System.out.printf("RELIABILITY fuzz family=%s cases=%d outcomes=%s ms=%d%n", name, n, outcomes,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
        assertThat(Threads.blockedInAdapter()).as("threads left waiting in the adapter").isEmpty();
    }

    @FunctionalInterface
    private interface CaseBody {
        Class<?> run(long seed, SplittableRandom random);
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] concat(List<Relay.TlsRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(rec -> out.writeBytes(rec.bytes()));
        return out.toByteArray();
    }

    @Test
    void randomBytesFailBothHalvesWithAnSslException() {
        run(1, "random-bytes", (seed, r) -> {
            Case c = Case.start(seed, 1, null, true);
            c.send(randomBytes(r, 1 + r.nextInt(2048)), "random bytes");
            c.eof();
            return c.assertRejected();
        });
    }

    @Test
    void bitFlippedRecordsOfARealSessionFailBothHalvesWithAnSslException() {
        run(2, "bit-flipped", (seed, r) -> {
            Case c = Case.start(seed, 2, null, true);
            byte[] flight = concat(c.flight());
            int flips = 1 + r.nextInt(3);
            for (int i = 0; i < flips; i++) {
                int at = r.nextInt(flight.length);
                flight[at] ^= (byte) (1 << r.nextInt(8));
                c.story.append("flipped a bit at ").append(at).append("; ");
            }
            c.send(flight, "the captured flight");
            c.eof();
            return c.assertRejected();
        });
    }

    @Test
    void truncatedRecordsFailBothHalvesWithAnSslException() {
        run(3, "truncated", (seed, r) -> {
            Case c = Case.start(seed, 3, null, true);
            byte[] flight = concat(c.flight());
            int cut = r.nextInt(flight.length);
            byte[] prefix = java.util.Arrays.copyOf(flight, cut);
            c.send(prefix, "a prefix of the captured flight");
            c.eof();
            return c.assertRejected();
        });
    }

    @Test
    void recordsLongerThanTlsAllowsAreRejectedWithoutWaitingForTheirBytes() {
        run(4, "oversized-length", (seed, r) -> {
            Case c = Case.start(seed, 4, null, true);
            Relay.TlsRecord first = c.flight().get(0);
            int length = MAX_RECORD + 1 + r.nextInt(65535 - MAX_RECORD);
            byte[] header = {(byte) first.type(), first.bytes()[1], first.bytes()[2], (byte) (length >> 8), (byte) length};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(header);
            out.writeBytes(randomBytes(r, r.nextInt(64)));
            // no EOF: the length alone must be enough to fail
            c.send(out.toByteArray(), "a header declaring " + length + " bytes");
            return c.assertRejected();
        });
    }

    @Test
    void aHandshakeRecordDeclaringTwentyThousandBytesIsRejectedAtOnceNotAfterTheHandshakeTimeout() {
        Case c = Case.start(Knobs.seed(), 9, SharedContexts.serverOptions("TLSv1.3").handshakeTimeout(Duration.ofMinutes(5)), false);
        // 20,000 > 2^14 + 2048, the most any TLS version allows (RFC 5246 6.2.3, RFC 8446 5.2)
        c.send(new byte[] {22, 3, 1, (byte) (20_000 >> 8), (byte) 20_000, 1, 0}, "a ClientHello header declaring 20000 bytes");
        assertThat(c.assertRejected()).isNotEqualTo(TlsTimeoutException.class);
    }

    @Test
    void aHelloRequestSentToATls12ServerFailsBothHalvesWithAnSslExceptionNotTheEnginesClassCastException() {
        // Found by the heavy bit-flip run (seed 20261205784892): a ClientHello whose type byte became
        // 0 (HelloRequest). The JDK 17 engine casts its server context to a client one and throws
        // ClassCastException in the delegated task, rethrown by the next wrap/unwrap: the stream must
        // still report an SSLException (with the engine's exception as its cause).
        Case c = Case.server(SharedContexts.serverOptions("TLSv1.2").build(), Knobs.seed(), 10);
        c.send(new byte[] {22, 3, 3, 0, 4, 0, 0, 0, 0}, "a HelloRequest record");
        c.eof();
        assertThat(c.ends().readEnd(BOUND).getThrowable()).isInstanceOf(SSLException.class)
                .hasRootCauseInstanceOf(ClassCastException.class);
        assertThat(c.assertRejected()).isNotNull();
    }

    @Test
    void recordsOfTheWrongTypeFailBothHalvesWithAnSslException() {
        run(5, "wrong-type", (seed, r) -> {
            Case c = Case.start(seed, 5, null, true);
            List<Relay.TlsRecord> flight = c.flight();
            byte[] record = flight.get(r.nextInt(Math.min(3, flight.size()))).bytes().clone();
            int type;
            do {
                type = r.nextInt(256);
            } while (type == 22);
            record[0] = (byte) type;
            c.send(record, "a captured record retyped as " + type);
            if (type >= 20 && type <= 24) {
                c.eof(); // a plausible header: the stream may wait for more, the EOF ends that
            }
            return c.assertRejected();
        });
    }

    @Test
    void garbageAfterAValidHandshakeFailsBothHalvesOnBothSides() {
        run(6, "handshake-then-garbage", garbageCases(), (seed, r) -> {
            String protocol = r.nextBoolean() ? "TLSv1.3" : "TLSv1.2";
            Relay relay = Relay.create();
            TlsStream server = TlsStream.over(relay.serverTransport(), SharedContexts.serverOptions(protocol).build());
            TlsStream client = TlsStream.over(relay.clientTransport(), SharedContexts.clientOptions(protocol).build());
            String story = "family 6 seed " + seed + " " + protocol + ": ";
            try {
                Ends serverEnds = Ends.watch(server);
                Ends clientEnds = Ends.watch(client);
                Hang.await(client.handshake().then(server.handshake()), BOUND, server::describe);
                clientEnds.send(io.netty.buffer.Unpooled.wrappedBuffer(randomBytes(r, 1 + r.nextInt(3000))));
                Hang.await(Flux.interval(Duration.ofMillis(1)).filter(t -> serverEnds.bytesRead() > 0).next(),
                        BOUND, server::describe);
                byte[] garbage;
                boolean hangUp;
                if (r.nextBoolean()) {
                    garbage = randomBytes(r, 1 + r.nextInt(1024));
                    // Random bytes may start with a plausible header announcing more bytes than sent:
                    // TLS must wait for a whole record, so only the attacker's EOF (or a timeout) ends that.
                    hangUp = true;
                    story += "random garbage then EOF";
                } else {
                    List<Relay.TlsRecord> seen = relay.records();
                    Relay.TlsRecord last = seen.stream()
                            .filter(x -> x.direction() == Relay.Direction.CLIENT_TO_SERVER && x.type() == Relay.APPLICATION_DATA)
                            .reduce((a, b) -> b).orElseThrow();
                    garbage = last.bytes().clone();
                    garbage[5 + r.nextInt(garbage.length - 5)] ^= (byte) (1 << r.nextInt(8));
                    hangUp = r.nextInt(4) == 0;
                    story += "a replayed application-data record with a flipped bit" + (hangUp ? " then EOF" : "");
                }
                relay.inject(Relay.Direction.CLIENT_TO_SERVER, garbage);
                if (hangUp) {
                    relay.hangUp(Relay.Direction.CLIENT_TO_SERVER);
                }
                SSLException e = serverEnds.assertFailedWith(SSLException.class, BOUND);
                clientEnds.assertFailedWith(SSLException.class, BOUND);
                return e.getClass();
            } catch (AssertionError | RuntimeException failure) {
                throw new AssertionError("case failed: " + story + "\n" + failure.getMessage(), failure);
            } finally {
                client.dispose();
                server.dispose();
            }
        });
    }

    @Test
    void aSlowlorisHandshakeOneByteAVirtualSecondIsCutByTheHandshakeTimeout() {
        Duration timeout = Duration.ofSeconds(5);
        run(7, "slowloris-virtual-time", (seed, r) -> {
            VirtualTimeScheduler clock = VirtualTimeScheduler.create();
            try {
                String protocol = r.nextBoolean() ? "TLSv1.3" : "TLSv1.2";
                Case c = Case.start(seed, 7, SharedContexts.serverOptions(protocol).handshakeTimeout(timeout).timer(clock), false);
                byte[] hello = c.flight().get(0).bytes();
                int sent = 0;
                // one byte, then one virtual second, until the stream gives up (bounded by the hello's size)
                while (sent < hello.length && c.target().describe().contains("phase=HANDSHAKING")) {
                    c.hostile().write(hello, sent, sent + 1);
                    sent++;
                    clock.advanceTimeBy(Duration.ofSeconds(1));
                }
                c.story().append("sent ").append(sent).append(" bytes of the ClientHello one per virtual second; ");
                Class<?> outcome = c.assertRejected();
                assertThat(outcome).as(c.story().toString()).isEqualTo(TlsTimeoutException.class);
                assertThat(sent).as("the timeout fired after %s virtual seconds", timeout).isEqualTo((int) timeout.toSeconds());
                return outcome;
            } finally {
                clock.dispose();
            }
        });
    }

    @Test
    void aSlowlorisHandshakeOnTheRealClockIsCutByTheHandshakeTimeout() {
        Case c = Case.start(Knobs.seed(), 8, SharedContexts.serverOptions("TLSv1.3").handshakeTimeout(Duration.ofMillis(300)), false);
        byte[] hello = c.flight().get(0).bytes();
        // one byte every 20 ms from a scheduler, until the stream closes or the hello is out (bounded)
        var trickle = Flux.interval(Duration.ofMillis(20)).take(hello.length)
                .takeUntilOther(c.target().onClose())
                .subscribe(i -> c.hostile().write(hello, i.intValue(), i.intValue() + 1));
        try {
            assertThat(c.assertRejected()).isEqualTo(TlsTimeoutException.class);
        } finally {
            trickle.dispose();
        }
    }
}
