package io.tlsduplex.pump;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.tlsduplex.TlsClosedException;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsSession;
import io.tlsduplex.TlsStreamException;
import io.tlsduplex.TlsTimeoutException;
import io.tlsduplex.TlsTransportException;
import io.tlsduplex.TlsTruncationException;
import io.tlsduplex.transport.CiphertextTransport;
import io.tlsduplex.transport.TransportThread;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The TLS I/O pump of one connection: the only code that calls {@code wrap}/{@code unwrap}.
 *
 * <p>It is one serialized state machine (reactor-core's WIP drain idiom). Every event marks work
 * and calls {@link #signal()}: ciphertext arrived, a read completed, a write was confirmed,
 * plaintext was queued or consumed, a command (key update, renegotiation, dispose), a timer, a
 * delegated task finished. Whoever moves {@code wip} from zero runs {@link #drain()}; everyone else
 * only leaves a mark, so the drain runs again. Each run does every unwrap and wrap that is possible,
 * flushes ciphertext within the write window, asks the transport for more ciphertext when the read
 * buffer has room or the engine needs handshake bytes, and then wakes <em>both</em> halves.
 *
 * <p>Why this cannot deadlock the way per-half engine driving does: a read that needs a write
 * (KeyUpdate with update_requested, HelloRequest, an alert) is answered by the same run that
 * unwrapped it, with no write half involved; a write that needs a read (handshake or
 * renegotiation in progress) makes the pump read even when the read half has no demand.
 *
 * <p>Internal API: used by {@code io.tlsduplex.TlsStream} and its halves.
 */
public final class TlsPump implements CiphertextTransport.Listener {

    /** The pump's coarse state, for diagnostics and the architecture doc. */
    public enum Phase { HANDSHAKING, ESTABLISHED, CLOSING, CLOSED }

    /** Marker for a read half that ended with close_notify (or an allowed EOF). */
    public static final Object READ_COMPLETE = new Object();

    /**
     * What wrap gets when there is no plaintext to send (handshake, alerts, close_notify): one empty
     * buffer, not an empty array, because netty-tcnative's OpenSSL engine rejects a zero-length
     * source array with an IndexOutOfBoundsException (the JDK engine accepts both).
     */
    private static final ByteBuffer[] NO_PLAINTEXT = {ByteBuffer.allocate(0)};
    private static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    /**
     * The plaintext a full record carries, with room for what an engine keeps back: the JDK's TLS 1.3
     * records carry at most 16,367 bytes (16 of padding room and the content type), so 16 KiB of
     * plaintext is two records there and needs room for two in one buffer, not a second write.
     */
    private static final int FULL_RECORD_PLAINTEXT = MAX_RECORD_PLAINTEXT - 256;
    private static final int WRAP_BATCH_RECORDS = 4;
    private static final int UNWRAP_BATCH_BYTES = 64 * 1024;

    private static final AtomicIntegerFieldUpdater<TlsPump> WIP =
            AtomicIntegerFieldUpdater.newUpdater(TlsPump.class, "wip");
    /** Drain ownership: non-zero while a thread runs the drain loop; counts missed signals. */
    private volatile int wip;
    /**
     * The thread inside {@link #drain()}, or null. Plain: written only by that thread, and a thread
     * can only ever read itself here while it is the drainer (it clears the field before it lets go
     * of {@code wip}, and no other thread writes its name), so {@code drainer == currentThread} is
     * exact without a fence. Lets a signal raised by the drain's own callbacks skip the atomic.
     */
    private Thread drainer;
    /** Set by a signal from the drainer's own thread; read and cleared by the drain loop only. */
    private boolean signalledFromDrain;

    // --- Immutable after construction -------------------------------------------------------
    private final CiphertextTransport transport;
    /** Where the drain runs when the transport has a thread of its own (null: on the signalling thread). */
    private final TransportThread home;
    private final TlsOptions options;
    private final SSLEngine engine;
    private final ByteBufAllocator alloc;
    /** Plaintext buffers: direct for native engines, heap for the JDK's. */
    private final boolean directPlaintext;
    /** Ciphertext buffers: direct when the engine or the transport (a socket) wants them. */
    private final boolean directCiphertext;
    /**
     * Whether {@code wrap} needs a whole packet buffer free per record (the JDK's engines) or only
     * room for the data plus each record's overhead (netty-tcnative's OpenSSL engines).
     */
    private final boolean wrapNeedsWholePackets;
    private final CiphertextInbox ciphertextIn;
    private final PlaintextInbox plaintextIn = new PlaintextInbox();
    private final PlaintextOutbox plaintextOut = new PlaintextOutbox();
    private final CiphertextWrites writes = new CiphertextWrites();
    private final PeerRekeyPolicy rekeyPolicy;
    private final PumpTimers timers;
    private final DelegatedTasks tasks;
    private final Queue<Runnable> commands = Queues.<Runnable>unboundedMultiproducer().get();
    private final Sinks.One<TlsSession> handshakeSink = Sinks.one();
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    // --- Set once by start() before the first signal -----------------------------------------
    private Waker readWaker = () -> { };
    private Waker writeWaker = () -> { };

    // --- Written by transport / task / timer threads, read by the drain ----------------------
    private volatile boolean readOutstanding;
    private volatile boolean transportEof;
    private volatile Throwable transportError;

    // --- Written by the drain only, read by the halves (hence volatile) ----------------------
    private volatile Phase phase = Phase.HANDSHAKING;
    /** Null while the read half is open; then {@link #READ_COMPLETE} or the error. */
    private volatile Object readEnd;
    /**
     * The handshake status of the last engine call, for {@link #describe()}: asking the engine
     * from another thread takes the JDK engine's lock, which may block (BlockHound saw it).
     */
    private volatile HandshakeStatus lastHandshakeStatus = HandshakeStatus.NOT_HANDSHAKING;
    /** The error that ended the stream, if one did. */
    private volatile Throwable failure;
    /** Why no more plaintext can be sent, or null while the output is open. */
    private volatile Throwable outputClosed;

    // --- Drain thread only --------------------------------------------------------------------
    private boolean handshakeDone;
    private TlsSession session;
    private boolean renegotiating;
    private boolean localRenegotiation;
    /**
     * KeyUpdates we sent asking the peer to update too (the JDK engine always asks): the peer's
     * answers are not re-keys it started, so that many control records skip the re-key limit.
     */
    private int keyUpdateAnswersOwed;
    private Completion renegotiation;
    private boolean inboundDone;
    private boolean outboundDone;
    /**
     * Try a wrap even though getHandshakeStatus() does not say NEED_WRAP. netty-tcnative's OpenSSL
     * engine needs it twice: its unwrap feeds a handshake message to BoringSSL without advancing
     * the handshake (the TLS 1.2 client that just received the server's Finished still reports
     * NEED_UNWRAP until its next wrap says FINISHED), and once its state is FINISHED it reports
     * NOT_HANDSHAKING even while the result said NEED_WRAP. Netty's SslHandler wraps after every
     * handshake unwrap for the same reason. A wrap with nothing to send costs nothing on JDK engines.
     */
    private boolean wrapOwed;
    /** Ciphertext handed off up to the end of the last application-data record. */
    private long applicationDataHandedOff;
    /**
     * The session's packet buffer size, asked again after each handshake and on BUFFER_OVERFLOW:
     * every {@code getSession()} call takes the JDK engine's lock (twice per record, before).
     */
    private int packetSize;
    /**
     * True while the engine is known to be NOT_HANDSHAKING: the last wrap/unwrap said so with
     * status OK and nothing else has touched the engine since (beginHandshake, closeOutbound,
     * closeInbound and delegated tasks clear it). Asking the JDK engine takes its lock: that was
     * up to three lock round trips per record.
     */
    private boolean engineQuiet;

    public TlsPump(CiphertextTransport transport, TlsOptions options) {
        this.transport = transport;
        this.home = transport.thread();
        this.options = options;
        this.alloc = options.allocator();
        this.engine = EngineSetup.create(options, transport.alloc(), transport.peerHost(), transport.peerPort());
        this.directPlaintext = EngineSetup.prefersDirectBuffers(engine);
        // JDK engines wrap into heap buffers even for a transport that prefers direct ones: the JDK's
        // AES-GCM on a direct ByteBuffer copies through temporary byte arrays (GHASH.processBlocksDirect),
        // about 140 KB more heap per MiB than heap output plus the socket's pooled copy to direct
        // memory, which is what Netty's SslHandler does (BulkBenchmark -prof gc, docs/benchmarks.md).
        this.directCiphertext = directPlaintext || (transport.prefersDirectBuffers() && !jdkEngine(engine));
        this.wrapNeedsWholePackets = !EngineSetup.prefersDirectBuffers(engine);
        this.ciphertextIn = new CiphertextInbox(alloc, engine);
        this.rekeyPolicy = new PeerRekeyPolicy(options);
        this.timers = new PumpTimers(options.timer(), options.idleTimeout() != null);
        this.tasks = new DelegatedTasks(engine, options.taskExecutor(), this::signal);
    }

    private static boolean jdkEngine(SSLEngine engine) {
        return engine.getClass().getName().startsWith("sun.security.ssl.");
    }

    /** Starts the handshake. {@code reader} and {@code writer} are woken after every pump run. */
    public void start(Waker reader, Waker writer) {
        this.readWaker = reader;
        this.writeWaker = writer;
        timers.startHandshakeDeadline(options.handshakeTimeout().toMillis(), () -> execute(this::onHandshakeTimeout));
        if (options.idleTimeout() != null) {
            timers.scheduleIdleCheck(options.idleTimeout().toMillis(), () -> execute(this::checkIdle));
        }
        transport.start(this);
        execute(() -> {
            engine.beginHandshake();
        });
    }

    // ========================================================================================
    // Events in. Each one records what happened and signals; none touches the engine.
    // ========================================================================================

    @Override
    public void onCiphertext(ByteBuf chunk) {
        timers.activity();
        ciphertextIn.offer(chunk);
        // A run per chunk, not one per read: over TCP, unwrapping (and wrapping the other way) as
        // each read lands beat one run after up to four reads (OpenSSL both ways, A/B in
        // docs/benchmarks.md), although in memory it costs a second run per delivery.
        signal();
    }

    @Override
    public void onReadComplete() {
        readOutstanding = false;
        signal();
    }

    @Override
    public void onEof() {
        transportEof = true;
        readOutstanding = false;
        signal();
    }

    @Override
    public void onError(Throwable error) {
        if (transportError == null) {
            transportError = error;
        }
        readOutstanding = false;
        signal();
    }

    /** Runs {@code command} on the drain thread, serialized with everything else. */
    public void execute(ThrowingRunnable command) {
        commands.offer(() -> {
            try {
                command.run();
            } catch (Throwable t) {
                fail(t);
            }
        });
        signal();
    }

    /** A command that may throw; a throw fails the stream. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Write half: queues plaintext (ownership moves to the pump). */
    public void offerPlaintext(ByteBuf plaintext, PlaintextSource source) {
        queuePlaintext(plaintext, source);
        signal();
    }

    /**
     * Write half: queues plaintext without running the pump; the caller must {@link #signal()}
     * afterwards. For a burst the publisher emits synchronously, so that the pump wraps it as one
     * batch of full records instead of one write at a time.
     */
    public void queuePlaintext(ByteBuf plaintext, PlaintextSource source) {
        plaintextOut.offer(new PlaintextOutbox.Data(plaintext, source));
    }

    /** Write half: {@code done} runs once everything queued before it is written to the transport. */
    public void offerFlushBarrier(Completion done) {
        plaintextOut.offer(new PlaintextOutbox.FlushBarrier(done));
        signal();
    }

    /** Write half: after everything queued, close the output per the close mode. */
    public void offerFinish(Completion done) {
        plaintextOut.offer(new PlaintextOutbox.Finish(done));
        signal();
    }

    /** Read half: the next plaintext buffer (the caller owns it), or null. */
    public ByteBuf pollPlaintext() {
        ByteBuf b = plaintextIn.poll();
        if (b != null && plaintextIn.bufferedBytes() < options.readBufferBytes() && !readOutstanding) {
            signal(); // there may be room to read again
        }
        return b;
    }

    public boolean hasPlaintext() {
        return !plaintextIn.isEmpty();
    }

    /** Null while the read half is open, else {@link #READ_COMPLETE} or the error. */
    public Object readEnd() {
        return readEnd;
    }

    /** Null while plaintext can be sent, else why not. */
    public Throwable outputClosed() {
        return outputClosed;
    }

    public Throwable failure() {
        return failure;
    }

    public Mono<TlsSession> handshake() {
        return handshakeSink.asMono();
    }

    /** Completes when the transport has been closed, whatever the reason. */
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    /**
     * Starts a TLS 1.3 KeyUpdate after everything the write half queued before it (ordered with
     * sends and finish; it waits for the handshake); {@code done} runs when it has been written.
     */
    public void keyUpdate(Completion done) {
        plaintextOut.offer(new PlaintextOutbox.Rekey(true, done));
        signal();
    }

    /** Starts a TLS 1.2 renegotiation, ordered like {@link #keyUpdate}; {@code done} runs when it finished. */
    public void renegotiate(Completion done) {
        plaintextOut.offer(new PlaintextOutbox.Rekey(false, done));
        signal();
    }

    /** Our key update or renegotiation; an error that fails the stream also settles its caller (same instance). */
    private void startRekey(PlaintextOutbox.Rekey rekey) throws SSLException {
        Completion done = rekey.completion();
        try {
            if (rekey.keyUpdate()) {
                startKeyUpdate(done);
            } else {
                startRenegotiation(done);
            }
        } catch (SSLException | RuntimeException | Error e) {
            done.complete(e);
            throw e;
        }
    }

    /**
     * {@code beginHandshake()} on an established session; an engine that refuses (netty-tcnative's
     * OpenSSL engine: "renegotiation unsupported") leaves the connection as it was, so the refusal
     * goes to the caller and the stream goes on.
     */
    private boolean beginRehandshake(Completion done, String what) {
        try {
            engineQuiet = false;
            engine.beginHandshake();
            return true;
        } catch (SSLException refused) {
            done.complete(new UnsupportedOperationException("this SSLEngine (" + engine.getClass().getName()
                    + ") cannot start " + what + ": " + refused.getMessage(), refused));
            return false;
        }
    }

    /** Tears the stream down: both halves fail with {@link TlsClosedException}, every buffer is released. */
    public void dispose() {
        execute(() -> {
            fail(new TlsClosedException("the TLS stream was disposed"));
            plaintextIn.release();
        });
    }

    // ========================================================================================
    // The drain loop.
    // ========================================================================================

    /**
     * Marks work; runs the drain unless another thread is running it. Over a transport with a
     * thread of its own, a signal from elsewhere hands the drain to that thread.
     */
    public void signal() {
        if (drainer == Thread.currentThread()) {
            // A callback of this very run (a write completion, inline ciphertext, a half asking for
            // more): the loop checks the mark before it lets go, so it runs again.
            signalledFromDrain = true;
            return;
        }
        if (WIP.getAndIncrement(this) == 0) {
            if (home == null || home.isCurrent()) {
                drain();
            } else {
                drainAtHome();
            }
        }
    }

    private void drainAtHome() {
        try {
            home.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
            drain(); // the loop is gone: drain here, so nothing queued is stranded unreleased
        }
    }

    private void drain() {
        int missed = 1;
        Thread self = Thread.currentThread();
        drainer = self;
        for (;;) {
            signalledFromDrain = false;
            try {
                runOnce();
            } catch (RuntimeException engineFailure) {
                // Engines throw unchecked exceptions on some hostile input (JDK 17: a HelloRequest
                // sent to a server, ClassCastException, rethrown by the next wrap/unwrap after its
                // delegated task): both halves are documented to get an SSLException.
                fail(new SSLException("the SSLEngine failed: " + engineFailure, engineFailure));
            } catch (Throwable t) {
                fail(t);
            }
            // The fan-out waker: whatever this run changed, both halves look again.
            readWaker.wake();
            writeWaker.wake();
            if (signalledFromDrain) {
                continue;
            }
            drainer = null;
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
            drainer = self;
        }
    }

    private void runOnce() throws SSLException {
        runCommands();
        if (phase == Phase.CLOSED) {
            releaseLeftovers();
            return;
        }
        Throwable te = transportError;
        if (te != null) {
            if (peerClosedAndOurDataLeft()) {
                endAfterPeerClosed();
            } else {
                fail(new TlsTransportException("transport failed: " + te, te));
            }
            return;
        }
        Throwable task = tasks.error();
        if (task != null) {
            fail(task);
            return;
        }
        ciphertextIn.collectArrivals();
        boolean progress;
        do {
            progress = unwrapAvailable();
            progress |= wrapPending();
            progress |= writes.completeConfirmed();
        } while (progress && phase != Phase.CLOSED);
        if (phase == Phase.CLOSED) {
            releaseLeftovers();
            return;
        }
        refuseWritesIfOutputClosed();
        checkEndOfInput();
        closeWhenBothDirectionsDone();
        requestCiphertext();
    }

    private void runCommands() {
        Runnable c;
        while ((c = commands.poll()) != null) {
            c.run();
        }
    }

    // ========================================================================================
    // Unwrap: ciphertext in, plaintext and handshake progress out.
    // ========================================================================================

    private boolean unwrapAvailable() throws SSLException {
        boolean progress = false;
        ByteBuf plaintext = null;
        try {
            while (!tasks.running() && !inboundDone && phase != Phase.CLOSED && ciphertextIn.worthUnwrapping()) {
                int oversized = ciphertextIn.oversizedRecordLength();
                if (oversized >= 0) {
                    // RFC 8446 5.2 / RFC 5246 6.2.3: record_overflow. The engine would wait for the bytes.
                    throw new javax.net.ssl.SSLProtocolException("record_overflow: the peer announced a TLS record of "
                            + oversized + " bytes; no TLS version allows more than " + CiphertextInbox.MAX_RECORD_BYTES);
                }
                if (plaintext == null || plaintext.writableBytes() < ciphertextIn.wholeRecordBytes(MAX_RECORD_PLAINTEXT)) {
                    deliver(plaintext);
                    plaintext = allocPlaintext();
                }
                HandshakeStatus before = handshakeStatus();
                SSLEngineResult r = ciphertextIn.unwrap(engine,
                        NioViews.of(plaintext, plaintext.writerIndex(), plaintext.writableBytes()));
                ciphertextIn.consumed(r.bytesConsumed());
                if (r.bytesConsumed() > 0 && (!handshakeDone || renegotiating)) {
                    wrapOwed = true;
                }
                plaintext.writerIndex(plaintext.writerIndex() + r.bytesProduced());
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    deliver(plaintext);
                    plaintext = allocBuffer(engine.getSession().getApplicationBufferSize(), directPlaintext);
                    continue;
                }
                // CLOSED means the peer's close_notify only when the engine says its inbound is done:
                // netty-tcnative's OpenSSL engine also answers CLOSED once *our* output is closed,
                // while it still decrypts what the peer sends (TLS 1.3 half-close).
                if (r.getStatus() == Status.CLOSED && engine.isInboundDone()) {
                    onPeerCloseNotify();
                }
                boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                if (moved && handshakeDone && r.bytesProduced() == 0 && r.getStatus() == Status.OK) {
                    onPeerControlRecord(before, r.getHandshakeStatus());
                }
                afterEngineCall(r);
                if (!moved) {
                    break;
                }
                progress = true;
            }
        } finally {
            deliver(plaintext);
        }
        return progress;
    }

    private ByteBuf allocPlaintext() {
        int records = ciphertextIn.wholeRecordBytes(UNWRAP_BATCH_BYTES);
        return allocBuffer(Math.max(records, 256), directPlaintext);
    }

    private ByteBuf allocBuffer(int capacity, boolean direct) {
        return direct ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);
    }

    private void deliver(ByteBuf plaintext) {
        if (plaintext == null) {
            return;
        }
        if (plaintext.isReadable()) {
            plaintextIn.add(plaintext);
        } else {
            plaintext.release();
        }
    }

    /** A post-handshake record without application data: the policy decides (see PeerRekeyPolicy). */
    private void onPeerControlRecord(HandshakeStatus before, HandshakeStatus after) throws SSLException {
        if (keyUpdateAnswersOwed > 0) {
            // TLS 1.3 only (startKeyUpdate refuses other protocols): the answer to one of ours, or a
            // ticket in its place; either way never more free records than KeyUpdates we sent
            keyUpdateAnswersOwed--;
            return;
        }
        if (rekeyPolicy.onControlRecord(session.protocol(), before, after, localRenegotiation, timers.now())) {
            renegotiating = true;
        }
    }

    private void onPeerCloseNotify() {
        inboundDone = true;
        phase = Phase.CLOSING;
        endRead(READ_COMPLETE);
    }

    // ========================================================================================
    // Wrap: handshake messages, alerts, close_notify and application plaintext out.
    // ========================================================================================

    private boolean wrapPending() throws SSLException {
        boolean progress = false;
        while (!tasks.running() && phase != Phase.CLOSED && !outboundDone) {
            HandshakeStatus hs = handshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
                break;
            }
            if (hs == HandshakeStatus.NEED_WRAP || wrapOwed) {
                wrapOwed = false;
                if (wrapRecords(false)) {
                    progress = true;
                    continue;
                }
                if (hs == HandshakeStatus.NEED_WRAP) {
                    break;
                }
                if (engine.getHandshakeStatus() != hs) {
                    progress = true; // the wrap moved the handshake on without bytes (OpenSSL: FINISHED)
                    continue;
                }
            }
            if (!handshakeDone || hs != HandshakeStatus.NOT_HANDSHAKING) {
                break; // application data waits for the (re)handshake: "write needs read"
            }
            PlaintextOutbox.Entry head = plaintextOut.peek();
            if (head == null) {
                break;
            }
            if (head instanceof PlaintextOutbox.Data) {
                if (writes.inFlight() >= options.writeWindowBytes() || !wrapRecords(true)) {
                    break;
                }
            } else {
                onMarker(plaintextOut.pollMarker());
            }
            progress = true;
        }
        return progress;
    }

    /** Wraps into one buffer as many records as fit, then hands it to the transport. */
    private boolean wrapRecords(boolean applicationData) throws SSLException {
        int packet = packetSize();
        ByteBuf out = allocBuffer(applicationData ? wrapCapacity(packet) : packet, directCiphertext);
        boolean moved = false;
        try {
            for (;;) {
                ByteBuffer[] src = applicationData ? plaintextOut.gather(MAX_RECORD_PLAINTEXT) : NO_PLAINTEXT;
                SSLEngineResult r = engine.wrap(src, NioViews.of(out, out.writerIndex(), out.writableBytes()));
                out.writerIndex(out.writerIndex() + r.bytesProduced());
                if (applicationData) {
                    plaintextOut.consumed(r.bytesConsumed());
                }
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    if (out.isReadable()) {
                        break; // send what we have; the next run continues
                    }
                    packet = refreshPacketSize();
                    out.ensureWritable(packet);
                    continue;
                }
                moved |= r.bytesProduced() > 0 || r.bytesConsumed() > 0;
                afterEngineCall(r);
                if (r.getStatus() == Status.CLOSED || tasks.running() || out.writableBytes() < packet
                        || r.bytesProduced() == 0) {
                    break;
                }
                // After application data the result's status is the engine's (asking the engine takes
                // the JDK engine's lock); handshake wraps ask, as OpenSSL's results can lag (wrapOwed).
                boolean more = applicationData
                        ? plaintextOut.headIsData() && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                        : engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
                if (!more) {
                    break;
                }
            }
        } finally {
            if (out.isReadable()) {
                writeCiphertext(out);
                if (applicationData) {
                    applicationDataHandedOff = writes.totalHandedOff();
                }
            } else {
                out.release();
            }
        }
        // Application data that left the engine quiet did not close it (saves a lock per batch).
        if (!outboundDone && !(applicationData && engineQuiet) && engine.isOutboundDone()) {
            onCloseNotifySent();
        }
        return moved;
    }

    /**
     * Room for the application records the queued plaintext makes, up to {@code WRAP_BATCH_RECORDS}:
     * a 64-byte message gets a buffer for one small record (or one packet, for the JDK's engines),
     * not four packets' worth. Small buffers also stay within the pooled allocator's thread caches.
     * An engine that wants more answers BUFFER_OVERFLOW, and {@link #wrapRecords} grows the buffer.
     */
    private int wrapCapacity(int packet) {
        int pending = plaintextOut.leadingDataBytes(WRAP_BATCH_RECORDS * MAX_RECORD_PLAINTEXT);
        int records = Math.max(1, Math.min(WRAP_BATCH_RECORDS, (pending + FULL_RECORD_PLAINTEXT - 1) / FULL_RECORD_PLAINTEXT));
        if (wrapNeedsWholePackets) {
            return records * packet;
        }
        return Math.min(records * packet, pending + records * (packet - MAX_RECORD_PLAINTEXT));
    }

    private void writeCiphertext(ByteBuf ciphertext) {
        int bytes = ciphertext.readableBytes();
        long start = writes.totalHandedOff();
        writes.handedOff(bytes);
        timers.activity();
        transport.write(ciphertext, error -> {
            if (error != null) {
                writes.failed(start);
                if (transportError == null) {
                    transportError = error;
                }
            }
            writes.confirmed(bytes);
            timers.activity();
            signal();
        });
    }

    private void onMarker(PlaintextOutbox.Entry marker) throws SSLException {
        if (marker instanceof PlaintextOutbox.FlushBarrier f) {
            writes.afterConfirmed(f.completion());
        } else if (marker instanceof PlaintextOutbox.Finish f) {
            finishOutput(f.completion());
        } else if (marker instanceof PlaintextOutbox.Rekey k) {
            startRekey(k);
        }
    }

    /** The write half finished: close_notify (NOTIFY) or a bare EOF (EOF), then shut the output. */
    private void finishOutput(Completion done) throws SSLException {
        outputClosed = new TlsClosedException("the write half was finished");
        if (options.closeMode() == io.tlsduplex.CloseMode.NOTIFY) {
            engineQuiet = false;
            engine.closeOutbound();
            // Not gated on NEED_WRAP: OpenSSL engines report NOT_HANDSHAKING with close_notify pending.
            while (!engine.isOutboundDone()) {
                if (!wrapRecords(false)) {
                    break;
                }
            }
        }
        outboundDone = true;
        if (phase == Phase.ESTABLISHED) {
            phase = Phase.CLOSING;
        }
        writes.afterConfirmed(error -> {
            transport.shutdownOutput();
            done.complete(error);
        });
    }

    /** The engine's outbound side is done: our close_notify (or a fatal alert) was wrapped. */
    private void onCloseNotifySent() {
        outboundDone = true;
        if (outputClosed == null) {
            outputClosed = new TlsClosedException("the peer closed the connection: "
                    + "TLS 1.2 has no half-close, so nothing more can be sent");
        }
    }

    // ========================================================================================
    // Handshake bookkeeping, delegated tasks, key updates and renegotiation.
    // ========================================================================================

    private HandshakeStatus handshakeStatus() {
        return engineQuiet ? HandshakeStatus.NOT_HANDSHAKING : engine.getHandshakeStatus();
    }

    private void afterEngineCall(SSLEngineResult r) throws SSLException {
        HandshakeStatus hs = r.getHandshakeStatus();
        lastHandshakeStatus = hs;
        engineQuiet = hs == HandshakeStatus.NOT_HANDSHAKING && r.getStatus() == Status.OK;
        if (hs == HandshakeStatus.NEED_WRAP) {
            wrapOwed = true;
        }
        if (hs == HandshakeStatus.FINISHED
                || (!handshakeDone && hs == HandshakeStatus.NOT_HANDSHAKING && engine.getSession().isValid()
                && !"NONE".equals(engine.getSession().getProtocol()) && r.bytesConsumed() + r.bytesProduced() > 0)) {
            onHandshakeFinished();
        }
        if (hs == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
        }
    }

    private int packetSize() {
        return packetSize > 0 ? packetSize : refreshPacketSize();
    }

    private int refreshPacketSize() {
        packetSize = engine.getSession().getPacketBufferSize();
        return packetSize;
    }

    private void onHandshakeFinished() throws SSLException {
        session = TlsSession.of(engine.getSession(), applicationProtocol());
        refreshPacketSize();
        if (!handshakeDone) {
            handshakeDone = true;
            phase = Phase.ESTABLISHED;
            timers.handshakeFinished();
            options.peerVerifier().verify(session);
            handshakeSink.tryEmitValue(session);
            return;
        }
        renegotiating = false;
        localRenegotiation = false;
        Completion done = renegotiation;
        renegotiation = null;
        if (done != null) {
            done.complete(null);
        }
    }

    private String applicationProtocol() {
        try {
            return engine.getApplicationProtocol();
        } catch (UnsupportedOperationException notSupported) {
            return null;
        }
    }

    /** The engine's delegated tasks run off the drain thread (never on an event loop). */
    private void runDelegatedTasks() {
        engineQuiet = false;
        tasks.start();
    }

    private void startKeyUpdate(Completion done) throws SSLException {
        Throwable refusal = refuseRekey("TLSv1.3", "KeyUpdate needs TLS 1.3; use renegotiate() on TLS 1.2");
        if (refusal != null) {
            done.complete(refusal);
            return;
        }
        long before = writes.totalHandedOff();
        if (!beginRehandshake(done, "a KeyUpdate")) { // on an established TLS 1.3 session the JDK engine sends one
            return;
        }
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !tasks.running()) {
            if (!wrapRecords(false)) {
                break;
            }
        }
        if (writes.totalHandedOff() == before) {
            done.complete(new UnsupportedOperationException("this SSLEngine (" + engine.getClass().getName()
                    + ") produced no KeyUpdate when asked for one"));
            return;
        }
        keyUpdateAnswersOwed++;
        writes.afterConfirmed(done);
    }

    private void startRenegotiation(Completion done) throws SSLException {
        Throwable refusal = refuseRekey("TLSv1.2", "renegotiation does not exist in TLS 1.3; use keyUpdate()");
        if (refusal == null && renegotiation != null) {
            refusal = new IllegalStateException("a renegotiation is already in progress");
        }
        if (refusal != null) {
            done.complete(refusal);
            return;
        }
        if (!beginRehandshake(done, "a renegotiation")) {
            return;
        }
        renegotiation = done;
        renegotiating = true;
        localRenegotiation = true;
    }

    private Throwable refuseRekey(String protocol, String wrongProtocol) {
        if (phase == Phase.CLOSED) {
            return failure != null ? failure : new TlsClosedException("the TLS stream is closed");
        }
        if (!handshakeDone) {
            return new IllegalStateException("the handshake has not finished yet");
        }
        if (outboundDone) {
            return outputClosed;
        }
        if (inboundDone) {
            // The JDK engine refuses beginHandshake() once the peer's close_notify arrived ("Cannot
            // kickstart"); asking it anyway would fail the whole stream, not just this request.
            return new TlsClosedException("the peer already closed its output (close_notify): "
                    + "no key update or renegotiation can start any more");
        }
        if (!protocol.equals(session.protocol())) {
            return new UnsupportedOperationException(wrongProtocol + " (negotiated " + session.protocol() + ")");
        }
        return null;
    }

    // ========================================================================================
    // Reading from the transport, end of input, closing.
    // ========================================================================================

    /** Asks for ciphertext when the read buffer has room, or the engine needs handshake bytes. */
    private void requestCiphertext() {
        if (readOutstanding || transportEof || inboundDone || tasks.running() || phase == Phase.CLOSED) {
            return;
        }
        boolean engineNeedsBytes = !handshakeDone
                || (renegotiating && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP);
        if (engineNeedsBytes || plaintextIn.bufferedBytes() < options.readBufferBytes()) {
            readOutstanding = true;
            transport.read();
        }
    }

    private void checkEndOfInput() throws SSLException {
        if (!transportEof || inboundDone || tasks.running()) {
            return;
        }
        if (ciphertextIn.collectArrivals()) {
            signal(); // ciphertext that arrived just before the EOF: unwrap it first (another run)
            return;
        }
        int leftover = ciphertextIn.readableBytes();
        if (!handshakeDone) {
            throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
        }
        if (leftover > 0) {
            throw new TlsTruncationException("the peer closed the connection in the middle of a TLS record ("
                    + leftover + " bytes of it received)");
        }
        if (!options.allowTruncation()) {
            throw new TlsTruncationException("the peer closed the connection without close_notify "
                    + "(the data may have been truncated; TlsOptions.allowTruncation opts out)");
        }
        inboundDone = true;
        phase = Phase.CLOSING;
        engineQuiet = false;
        try {
            engine.closeInbound();
        } catch (SSLException expectedWithoutCloseNotify) {
            // the JDK engine reports the missing close_notify here; the option said we accept that
        }
        endRead(READ_COMPLETE);
    }

    private void refuseWritesIfOutputClosed() {
        Throwable closed = outputClosed;
        if (closed != null && outboundDone) {
            plaintextOut.drainClosed(closed, writes::afterConfirmed);
        }
    }

    private void closeWhenBothDirectionsDone() {
        if (inboundDone && outboundDone && writes.inFlight() == 0 && phase != Phase.CLOSED) {
            // Flush barriers parked in this very run (refuseWritesIfOutputClosed) are all confirmed
            // (nothing in flight); once CLOSED no run completes them, and their send() would hang.
            writes.completeConfirmed();
            enterClosed();
        }
    }

    /**
     * The one way into CLOSED: timers off, transport closed, everything the pump holds released
     * (settled with {@link #failure} if there is one), {@code onClose()} completed. Queued
     * barriers and markers must already be settled or be settled by {@link #releaseLeftovers()}.
     */
    private void enterClosed() {
        phase = Phase.CLOSED;
        timers.cancel();
        transport.close();
        releaseLeftovers();
        releaseEngine();
        closeSink.tryEmitEmpty();
    }

    /**
     * The peer sent close_notify and every application byte we wrote was confirmed written: a
     * transport error now (the peer closing its socket on our close_notify, a reset for a
     * KeyUpdate answer it no longer reads) loses nothing, so it ends the stream cleanly.
     */
    private boolean peerClosedAndOurDataLeft() {
        return inboundDone && writes.writtenUpTo(applicationDataHandedOff);
    }

    private void endAfterPeerClosed() {
        outboundDone = true;
        if (outputClosed == null) {
            outputClosed = new TlsClosedException("the peer closed the connection");
        }
        writes.completeAll();
        enterClosed();
    }

    private void endRead(Object end) {
        if (readEnd == null) {
            readEnd = end;
        }
    }

    /** Ends the stream with {@code cause}: both halves see the very same instance. */
    private void fail(Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        failure = cause;
        endRead(cause);
        if (outputClosed == null) {
            outputClosed = cause;
        }
        if (!(cause instanceof TlsStreamException)) {
            flushAlert();
        }
        handshakeSink.tryEmitError(cause);
        Completion reneg = renegotiation;
        renegotiation = null;
        if (reneg != null) {
            reneg.complete(cause);
        }
        writes.failAll(cause);
        enterClosed(); // releaseLeftovers() fails the queued entries with the failure set above
    }

    /** After an engine error the JDK engine holds a fatal alert for the peer: send it, best effort. */
    private void flushAlert() {
        ByteBuf out = null;
        try {
            if (engine.isOutboundDone() || outboundDone) {
                return;
            }
            out = allocBuffer(packetSize(), directCiphertext);
            SSLEngineResult r = engine.wrap(NO_PLAINTEXT, out.nioBuffer(0, out.writableBytes()));
            out.writerIndex(r.bytesProduced());
            if (out.isReadable()) {
                transport.write(out, error -> { });
                out = null;
            }
        } catch (SSLException | RuntimeException alreadyBroken) {
            // nothing more to tell the peer
        } finally {
            if (out != null) {
                out.release();
            }
        }
    }

    private void releaseLeftovers() {
        ciphertextIn.release();
        if (failure != null) {
            plaintextOut.failAll(failure);
        } else {
            // closed cleanly, and only after every handed-off byte was confirmed
            plaintextOut.drainClosed(new TlsClosedException("the TLS stream is closed"), c -> c.complete(null));
        }
    }

    private void releaseEngine() {
        tasks.whenIdle(() -> ReferenceCountUtil.release(engine)); // a running task still uses the engine
    }

    // ========================================================================================
    // Timers.
    // ========================================================================================

    private void onHandshakeTimeout() {
        if (!handshakeDone) {
            fail(new TlsTimeoutException(TlsTimeoutException.Kind.HANDSHAKE, options.handshakeTimeout()));
        }
    }

    private void checkIdle() {
        if (phase == Phase.CLOSED) {
            return;
        }
        long limit = options.idleTimeout().toMillis();
        long idle = timers.idleMillis();
        if (idle >= limit) {
            fail(new TlsTimeoutException(TlsTimeoutException.Kind.IDLE, options.idleTimeout()));
        } else {
            timers.scheduleIdleCheck(limit - idle, () -> execute(this::checkIdle));
        }
    }

    // ========================================================================================
    // Diagnostics.
    // ========================================================================================

    public Phase phase() {
        return phase;
    }

    /** A one-line snapshot of the pump's state for hang reports (racy by nature, never used for decisions). */
    public String describe() {
        return "TlsPump{phase=" + phase
                + ", engine=" + lastHandshakeStatus
                + ", handshakeDone=" + handshakeDone
                + ", renegotiating=" + renegotiating
                + ", inboundDone=" + inboundDone
                + ", outboundDone=" + outboundDone
                + ", readOutstanding=" + readOutstanding
                + ", transportEof=" + transportEof
                + ", taskRunning=" + tasks.running()
                + ", ciphertextBuffered=" + ciphertextIn.readableBytes()
                + ", plaintextBuffered=" + plaintextIn.bufferedBytes()
                + ", ciphertextInFlight=" + writes.inFlight()
                + (options.idleTimeout() != null ? ", idleMillis=" + timers.idleMillis() : "")
                + ", readEnd=" + (readEnd == READ_COMPLETE ? "complete" : readEnd)
                + ", failure=" + failure + "}";
    }

    @Override
    public String toString() {
        return describe();
    }
}
