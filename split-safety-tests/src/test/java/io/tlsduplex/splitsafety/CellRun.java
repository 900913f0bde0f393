package io.tlsduplex.splitsafety;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.TlsClosedException;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.Payload;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one {@link Cell} against one {@link Implementation}: streams a known byte sequence each way,
 * starts the event in the middle, and checks SHA-256 both ways, that every operation completes
 * within the implementation's bound (a hang fails with both ends' state and a thread dump), or, for
 * the error events, that both halves end with the very same error.
 */
public final class CellRun {
    /** A garbage TLS record: application_data, TLS 1.2 version, 32 bytes no key will authenticate. */
    static final byte[] GARBAGE_RECORD = garbageRecord();

    private final Cell cell;
    private final Implementation implementation;
    private final Duration bound;
    private Scheduler single;

    private CellRun(Cell cell, Implementation implementation) {
        this.cell = cell;
        this.implementation = implementation;
        // 1-byte chunks cost a pump run per byte: scale the bound with the volume, never below the base
        this.bound = implementation.bound().plusMillis(cell.bytes() / (cell.condition() == Condition.ONE_BYTE_CHUNKS ? 4_000 : 400_000));
    }

    /** Runs the cell; returns normally when it passed, throws the failure otherwise. */
    public static void run(Cell cell, Implementation implementation) throws Exception {
        new CellRun(cell, implementation).execute();
    }

    /** Runs the cell and says how it ended, for the negative control's report. */
    public static Outcome outcome(Cell cell, Implementation implementation) {
        long start = System.nanoTime();
        try {
            run(cell, implementation);
            return new Outcome(Outcome.Result.PASS, "", millisSince(start));
        } catch (Throwable t) {
            String text = String.valueOf(t.getMessage());
            Outcome.Result r = text.contains("(a hang)") ? Outcome.Result.HANG : Outcome.Result.FAIL;
            String first = text.lines().findFirst().orElse("");
            String detail = r == Outcome.Result.HANG ? hangDetail(text) : t.getClass().getSimpleName() + ": " + first;
            return new Outcome(r, detail, millisSince(start));
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String hangDetail(String text) {
        return text.lines().filter(l -> l.startsWith("waiting for")).findFirst().orElse("hang");
    }

    private void execute() throws Exception {
        try (Wiring w = cell.peer().connect(implementation, cell)) {
            try {
                if (!cell.event().includesHandshake()) {
                    await(w, Mono.when(w.subject().handshake(), w.peer().handshake()), "the handshake (before the halves)");
                }
                if (cell.event().expectedFailure() != null) {
                    new FailureFlow(w).execute();
                } else {
                    new StreamingFlow(w).execute();
                }
            } finally {
                if (single != null) {
                    single.dispose();
                }
            }
        }
    }

    /** Which steps of the flow are over, for the hang report. */
    private final java.util.Map<String, String> steps = new java.util.concurrent.ConcurrentSkipListMap<>();

    private <T> Mono<T> step(String name, Mono<T> mono) {
        return mono.doOnSubscribe(s -> steps.put(name, "running"))
                .doOnSuccess(v -> steps.put(name, "done"))
                .doOnError(e -> steps.put(name, "failed: " + e));
    }

    private <T> T await(Wiring w, Mono<T> mono, String what) {
        return Hang.await(mono, bound, () -> "waiting for " + what + " in cell [" + cell.name() + "] with " + implementation
                + "\nsteps " + steps + "\n" + w.describe());
    }

    // ==================================================================== usage: how the halves are driven

    private Scheduler single() {
        if (single == null) {
            single = Schedulers.newSingle("cell-single-thread");
        }
        return single;
    }

    /** The subject's read half as the usage drives it (the digest consumer releases every buffer). */
    private Flux<ByteBuf> reading(SplitEndpoint subject) {
        Flux<ByteBuf> in = subject.receive();
        Flux<ByteBuf> driven = switch (cell.usage()) {
            case BOTH_DIFFERENT_SCHEDULERS -> in.subscribeOn(Schedulers.parallel()).publishOn(Schedulers.parallel());
            case BOTH_SAME_THREAD -> in.subscribeOn(single()).publishOn(single());
            case READ_DEMAND_ONE -> in.limitRate(1);
            default -> in;
        };
        // a cell given up (a hang, a failure) cancels mid-stream: what publishOn still queued is discarded, not
        // delivered (seen as a leak report of a naive-split plaintext buffer in the negative control)
        return driven.doOnDiscard(ByteBuf.class, ByteBuf::release);
    }

    /** The subject's write half as the usage drives it. */
    private Mono<Void> writing(SplitEndpoint subject, Flux<ByteBuf> data) {
        return switch (cell.usage()) {
            case BOTH_DIFFERENT_SCHEDULERS -> subject.send(data.subscribeOn(Schedulers.boundedElastic()))
                    .subscribeOn(Schedulers.boundedElastic());
            // as on the read side: payload still queued in publishOn when a cell is cancelled is released
            case BOTH_SAME_THREAD -> subject.send(data.publishOn(single()).doOnDiscard(ByteBuf.class, ByteBuf::release))
                    .subscribeOn(single());
            default -> subject.send(data);
        };
    }

    /**
     * {@code payload}'s buffers with {@code midway} run once half of them were emitted; the second half is
     * generated only after it completed (nothing is held while waiting, so a cancel leaks nothing).
     */
    private static Flux<ByteBuf> withMidway(Payload payload, Mono<Void> midway) {
        long half = payload.size() / 2;
        return Flux.concat(bytesBefore(payload.buffers(), half), midway.thenMany(Flux.defer(() -> bytesFrom(payload.buffers(), half))));
    }

    /** The first {@code limit} bytes of {@code buffers}. */
    static Flux<ByteBuf> bytesBefore(Flux<ByteBuf> buffers, long limit) {
        if (limit == 0) {
            return Flux.empty();
        }
        AtomicLong seen = new AtomicLong();
        return buffers.handle((b, sink) -> {
            long before = seen.getAndAdd(b.readableBytes());
            if (before >= limit) {
                b.release(); // a buffer generated after the limit (the cut was already made)
                return;
            }
            if (before + b.readableBytes() <= limit) {
                sink.next(b);
            } else {
                sink.next(b.retainedSlice(b.readerIndex(), (int) (limit - before)));
                b.release();
            }
            if (before + b.readableBytes() >= limit) {
                sink.complete();
            }
        });
    }

    /** {@code buffers} without their first {@code offset} bytes. */
    static Flux<ByteBuf> bytesFrom(Flux<ByteBuf> buffers, long offset) {
        AtomicLong seen = new AtomicLong();
        return buffers.handle((b, sink) -> {
            long before = seen.getAndAdd(b.readableBytes());
            if (before >= offset) {
                sink.next(b);
            } else if (before + b.readableBytes() > offset) {
                int skip = (int) (offset - before);
                sink.next(b.retainedSlice(b.readerIndex() + skip, b.readableBytes() - skip));
                b.release();
            } else {
                b.release();
            }
        });
    }

    /** Digest of a read half; fires {@code half} and {@code all} as the bytes arrive. */
    private static Mono<Payload.Digest> digest(Flux<ByteBuf> in, long expected, Sinks.Empty<Void> half, Sinks.Empty<Void> all) {
        AtomicLong seen = new AtomicLong();
        if (expected == 0) {
            half.tryEmitEmpty();
            all.tryEmitEmpty();
        }
        return Payload.digestOf(in.doOnNext(b -> {
            long before = seen.getAndAdd(b.readableBytes());
            long now = before + b.readableBytes();
            if (before < expected / 2 && now >= expected / 2) {
                half.tryEmitEmpty();
            }
            if (before < expected && now >= expected) {
                all.tryEmitEmpty();
            }
        }));
    }

    /**
     * TLS 1.2: the peer closes once it has every byte; a send whose bytes all went out but whose
     * completion signal had not yet reached the write half then fails with TlsClosedException
     * (TlsWriteHalf aborts an active send when the output closes). No byte is lost (the peer's
     * SHA-256 says so); reported to the lead as a finding rather than counted as a failure here.
     */
    private Mono<Void> tolerateTls12Close(Mono<Void> send) {
        return firstCloseEndsBoth() ? send.onErrorResume(TlsClosedException.class, x -> Mono.empty()) : send;
    }

    /** In TLS 1.2 the first close_notify ends both outputs: a finish that finds the output closed is fine. */
    private Mono<Void> finishing(SplitEndpoint e) {
        Mono<Void> f = e.finish();
        return firstCloseEndsBoth() ? f.onErrorResume(TlsClosedException.class, x -> Mono.empty()) : f;
    }

    /** TLS 1.2, or a peer that ends the connection on its own close_notify (see {@link Peer#readsAfterItsCloseNotify()}). */
    private boolean firstCloseEndsBoth() {
        return "TLSv1.2".equals(cell.protocol()) || !cell.peer().readsAfterItsCloseNotify();
    }

    // ==================================================================== the normal flow: everything must arrive

    private final class StreamingFlow {
        private final Wiring w;
        private final SplitEndpoint subject;
        private final SplitEndpoint peer;
        private final boolean tls13 = "TLSv1.3".equals(cell.protocol());
        /** Whether the subject may close before it has every byte: TLS 1.3, and a peer that keeps writing after our close_notify. */
        private final boolean halfClose = tls13 && cell.peer().halfCloses();
        /** A peer without half-close ends the connection on our close_notify: it has nothing left to send us. */
        private final boolean peerEndsOnOurClose = !cell.peer().halfCloses()
                && (cell.event() == Event.WE_CLOSE_FIRST || cell.event() == Event.WE_CLOSE_FIRST_EOF);
        /** Whether the peer may close before it has every byte: TLS 1.3, and a peer that keeps reading after its close_notify. */
        private final boolean peerHalfCloses = tls13 && cell.peer().readsAfterItsCloseNotify();
        /** A peer that stops reading at its own close_notify ends the connection there: we have nothing left to send it. */
        private final boolean peerEndsOnItsClose = !cell.peer().readsAfterItsCloseNotify() && cell.event() == Event.PEER_CLOSES_FIRST;

        StreamingFlow(Wiring w) {
            this.w = w;
            this.subject = w.subject();
            this.peer = w.peer();
        }

        void execute() {
            Event event = cell.event();
            Payload up = cell.peer().payload(cell.seed(), cell.usage().writes() && !peerEndsOnItsClose ? cell.bytes() : 0);
            Payload down = cell.peer().payload(cell.seed() + 1, cell.usage().reads() && !peerEndsOnOurClose ? cell.bytes() : 0);

            Sinks.Empty<Void> subjectHalf = Sinks.empty();
            Sinks.Empty<Void> subjectAll = Sinks.empty();
            Sinks.Empty<Void> peerHalf = Sinks.empty();
            Sinks.Empty<Void> peerAll = Sinks.empty();
            Sinks.Empty<Void> peerFinished = Sinks.empty();
            Sinks.Empty<Void> subjectReadDone = Sinks.empty();
            Sinks.Empty<Void> peerReadDone = Sinks.empty();
            if (down.size() == 0) {
                subjectHalf.tryEmitEmpty();
                subjectAll.tryEmitEmpty();
            }
            if (up.size() == 0) {
                peerHalf.tryEmitEmpty();
                peerAll.tryEmitEmpty();
            }

            // The event: started by its side at the middle of that side's outgoing stream, or, when that
            // side sends nothing, once it has received half of the incoming stream.
            boolean byPeer = event.startedByPeer(cell.role());
            SplitEndpoint starter = byPeer ? peer : subject;
            Payload starterOut = byPeer ? down : up;
            Mono<Void> action = Mono.defer(() -> event.act(starter)).cache();
            Mono<Void> actionDone;
            Mono<Void> subjectMidway = Mono.empty();
            Mono<Void> peerMidway = Mono.empty();
            if (!event.hasAction()) {
                actionDone = Mono.empty();
            } else if (starterOut.size() > 0) {
                if (byPeer) {
                    peerMidway = action;
                } else {
                    subjectMidway = action;
                }
                actionDone = action;
            } else {
                // armed before anything flows: with inline deliveries the whole stream may pass in one call
                actionDone = (byPeer ? peerHalf : subjectHalf).asMono().then(action).cache();
                actionDone.subscribe(v -> { }, e -> { });
            }

            // The subject.
            Mono<Payload.Digest> subjectGot;
            Mono<Void> subjectWrites;
            if (cell.usage().reads()) {
                subjectGot = digest(reading(subject), down.size(), subjectHalf, subjectAll)
                        .doOnSuccess(d -> subjectReadDone.tryEmitEmpty()).cache();
            } else {
                subjectGot = null; // subscribed once the write half is done: no read demand at all until then
            }
            // Nobody closes before the event is over (a close_notify in the middle of a renegotiation is
            // an error of its own); in TLS 1.2 nobody closes before it has everything (no half-close).
            Mono<Void> beforeWriting = event == Event.PEER_CLOSES_FIRST ? peerFinished.asMono() : Mono.empty();
            boolean weCloseFirst = event == Event.WE_CLOSE_FIRST || event == Event.WE_CLOSE_FIRST_EOF;
            Mono<Void> sent = cell.usage().writes()
                    ? beforeWriting.then(tolerateTls12Close(writing(subject, withMidway(up, subjectMidway))))
                    : weCloseFirst ? Mono.empty() : cell.peer().closesFirst() ? subjectReadDone.asMono() : subjectAll.asMono();
            subjectWrites = step("subject sent", sent).then(step("event (subject)", actionDone))
                    .then(step("subject has all", halfClose ? Mono.empty() : subjectAll.asMono()))
                    .then(step("subject finish", Mono.defer(() -> finishing(subject)))).cache();
            if (subjectGot == null) {
                Mono<Void> written = subjectWrites;
                subjectGot = written.then(Mono.defer(() -> digest(subject.receive(), 0, subjectHalf, subjectAll))).cache();
                subjectWrites = subjectGot.then();
            }

            // The peer: reads everything, sends its payload (the event in the middle), then closes.
            // A socket closed with unread bytes in it is reset: a foreign peer that already has every byte may
            // see that reset instead of EOF (the SHA-256 below still says whether anything was lost).
            AtomicBoolean peerHasAll = new AtomicBoolean(up.size() == 0);
            peerAll.asMono().subscribe(v -> { }, e -> { }, () -> peerHasAll.set(true));
            Flux<ByteBuf> peerIn = peer.receive().onErrorResume(e -> e instanceof java.io.IOException && peerHasAll.get(),
                    e -> Flux.empty());
            Mono<Payload.Digest> peerGot = digest(peerIn, up.size(), peerHalf, peerAll)
                    .doOnSuccess(d -> peerReadDone.tryEmitEmpty()).cache();
            Mono<Void> beforePeerWrites = event == Event.WE_CLOSE_FIRST || event == Event.WE_CLOSE_FIRST_EOF
                    ? peerReadDone.asMono() : Mono.empty();
            // A peer closes only once its own handshake is over (a close during the handshake is another story).
            Mono<Void> peerWrites = step("peer handshake", peer.handshake()).then(beforePeerWrites)
                    .then(down.size() > 0 ? peer.send(withMidway(down, peerMidway)) : Mono.empty())
                    .then(step("event (peer)", actionDone))
                    .then(step("peer has all", peerHalfCloses ? Mono.empty() : peerAll.asMono()))
                    .then(peerEndsOnOurClose
                            ? step("the peer ends the connection on our close_notify", peer.onClose())
                            : step("peer finish", Mono.defer(() -> finishing(peer))))
                    .doOnSuccess(v -> peerFinished.tryEmitEmpty());

            var results = await(w, Mono.zip(step("subject reads", subjectGot), step("peer reads", peerGot),
                    step("subject writes", subjectWrites.thenReturn(true)), step("peer writes", peerWrites.thenReturn(true)),
                    step("event", actionDone.thenReturn(true))), "the streams each way and the event");
            assertThat(results.getT1()).as("what the subject received").isEqualTo(new Payload.Digest(down.sha256(), down.size()));
            assertThat(results.getT2()).as("what the peer received").isEqualTo(new Payload.Digest(up.sha256(), up.size()));
            await(w, subject.onClose(), "the subject's close");
            if (peerEndsOnItsClose) {
                await(w, peer.onClose(), "the peer to end the connection after its close_notify (it stops reading there)");
            }
        }
    }

    // ==================================================================== the error flow: both halves fail alike

    private final class FailureFlow {
        private final Wiring w;
        private final SplitEndpoint subject;
        private final SplitEndpoint peer;

        FailureFlow(Wiring w) {
            this.w = w;
            this.subject = w.subject();
            this.peer = w.peer();
        }

        void execute() {
            Event event = cell.event();
            // The subject streams "forever" (far more than is sent before the fault) so its write half is
            // busy when the fault arrives; the peer streams one payload and never closes.
            Payload up = cell.peer().payload(cell.seed(), cell.usage().writes() ? cell.bytes() * 16 : 0);
            Payload down = cell.peer().payload(cell.seed() + 1, cell.usage().reads() ? cell.bytes() : 0);
            AtomicBoolean faulted = new AtomicBoolean();
            Runnable fault = () -> {
                if (!faulted.compareAndSet(false, true)) {
                    return;
                }
                steps.put("fault", "injected");
                switch (event) {
                    case GARBAGE_RECORD -> w.towardSubject().accept(GARBAGE_RECORD);
                    case FATAL_ALERT -> w.towardPeer().accept(GARBAGE_RECORD);
                    default -> { }
                }
            };
            Mono<Void> faultMono = event == Event.CLIENT_RENEGOTIATION_REFUSED
                    ? step("peer's renegotiation", event.act(peer)).onErrorResume(e -> Mono.empty())
                    : Mono.fromRunnable(fault);

            Sinks.Empty<Void> peerHalf = Sinks.empty();
            Sinks.Empty<Void> ignored = Sinks.empty();
            AtomicReference<Throwable> readError = new AtomicReference<>();
            AtomicReference<Throwable> writeError = new AtomicReference<>();

            // Armed before anything flows: with inline deliveries the whole stream may pass in one call.
            // When the subject writes, the fault comes once the peer has half a cell's bytes (the subject is
            // then busy writing); when it only reads, in the middle of the peer's stream.
            boolean onPeerHalf = up.size() > 0;
            Mono<Void> armedFault = peerHalf.asMono().then(faultMono).cache();
            if (onPeerHalf) {
                armedFault.subscribe(v -> { }, e -> { });
            }
            // The peer's side only has to end somehow once the subject fails.
            Mono<Void> peerSide = Mono.when(
                    digest(peer.receive().doOnNext(b -> steps.merge("peer received", String.valueOf(b.readableBytes()),
                            (a, x) -> String.valueOf(Long.parseLong(a) + Long.parseLong(x)))), Math.max(cell.bytes(), 1), peerHalf, ignored).then(),
                    onPeerHalf ? Mono.when(armedFault, peer.send(down.buffers())) : peer.send(withMidway(down, faultMono)))
                    .onErrorResume(e -> Mono.empty())
                    .cache();

            Mono<Void> subjectReads = step("subject reads", Mono.defer(() -> digest(reading(subject), Long.MAX_VALUE, Sinks.empty(), Sinks.empty()))
                    .then(Mono.<Void>error(() -> new AssertionError("the subject's read half completed; it had to fail; steps "
                            + steps + "\n" + w.describe()))))
                    .onErrorResume(e -> !(e instanceof AssertionError), e -> {
                        readError.set(e);
                        return Mono.empty();
                    });
            // The write half may legitimately finish its stream before the fault reaches the pump (an alert
            // queued behind our own records); then its next use must fail, with the very same error.
            Mono<Void> subjectWrites = up.size() == 0 ? Mono.empty() : step("subject writes", Mono.defer(() -> writing(subject, up.buffers())))
                    .onErrorResume(e -> {
                        writeError.set(e);
                        return Mono.empty();
                    });
            Mono<Void> nextWrite = step("subject's next send", Mono.defer(() -> writeError.get() != null ? Mono.empty()
                    : subject.send(Flux.just(Unpooled.wrappedBuffer(new byte[] {1})))
                            .then(Mono.<Void>error(() -> new AssertionError("a send after the stream failed completed; steps "
                                    + steps + "\n" + w.describe())))
                            .onErrorResume(e -> !(e instanceof AssertionError), e -> {
                                writeError.set(e);
                                return Mono.empty();
                            })));
            Mono<Void> subjectSide;
            if (cell.usage().reads() && cell.usage().writes()) {
                subjectSide = Mono.when(subjectReads, subjectWrites).then(nextWrite);
            } else if (cell.usage().reads()) {
                subjectSide = subjectReads.then(nextWrite);
            } else {
                subjectSide = subjectWrites.then(subjectReads).then(nextWrite);
            }
            // The peer's side matters only until the subject has failed: a peer in the middle of a refused
            // renegotiation may notice our close only at its own handshake timeout (Netty's SslHandler: 10 s).
            Mono<Void> subjectFailed = step("subject", subjectSide).cache();
            await(w, Mono.when(step("peer", peerSide).or(subjectFailed), subjectFailed), "both halves of the subject to fail after the " + event.label());
            assertThat(readError.get()).as("the read half's error").isInstanceOf(event.expectedFailure());
            assertThat(writeError.get()).as("the write half's error (the very same instance)").isSameAs(readError.get());
        }
    }

    private static byte[] garbageRecord() {
        byte[] r = new byte[5 + 32];
        r[0] = 23;
        r[1] = 3;
        r[2] = 3;
        r[4] = 32;
        for (int i = 5; i < r.length; i++) {
            r[i] = (byte) (i * 37);
        }
        return r;
    }

    /** How a cell ended, for reports. */
    public record Outcome(Result result, String detail, long millis) {
        public enum Result { PASS, HANG, FAIL }
    }
}
