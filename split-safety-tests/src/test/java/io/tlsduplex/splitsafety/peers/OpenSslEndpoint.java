package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.SplitEndpoint;
import io.tlsduplex.testing.OpenSslMessageLog;
import io.tlsduplex.testing.OpenSslProcess;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * {@code openssl s_server} or {@code s_client} as a peer, driven through its standard input: data
 * lines, and the commands K (KeyUpdate with update_requested), k (without), r (s_server: a TLS 1.2
 * HelloRequest) and R (s_client: a TLS 1.2 ClientHello). A command is obeyed only as the first
 * thing of one read of openssl's stdin, so it is written only once the subject has received every
 * byte written before it (openssl has then read them all), and the next line only once openssl's
 * message log shows the command done. Waits run on {@code boundedElastic}; none has its own limit
 * (the cell's bound turns a hang into a failure with {@link #describe()}), and each ends when the
 * process is gone.
 */
final class OpenSslEndpoint implements SplitEndpoint, OpenSslProcess.OutputSink {
    private final String tool;
    private final Cell cell;
    private final LongSupplier receivedBySubject;
    /** Bytes written to openssl's stdin. */
    private final AtomicLong written = new AtomicLong();
    /** Held while data are written, and by a command from before it is written until it is done. */
    private final ReentrantLock stdin = new ReentrantLock();
    private final OpenSslStatusFilter filter = new OpenSslStatusFilter();
    private final Sinks.Many<byte[]> output = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private volatile OpenSslProcess process;
    private volatile boolean disposed;
    private Mono<Void> handshake;

    OpenSslEndpoint(String tool, Cell cell, LongSupplier receivedBySubject) {
        this.tool = tool;
        this.cell = cell;
        this.receivedBySubject = receivedBySubject;
    }

    /** The process whose standard output is this endpoint's {@link OpenSslProcess.OutputSink}. */
    void attach(OpenSslProcess p) {
        this.process = p;
        p.onExit().whenComplete((x, e) -> closed.tryEmitEmpty());
        this.handshake = until("openssl's handshake (a Finished each way in its message log)",
                () -> log().handshakes("<<<", "Finished") >= 1 && log().handshakes(">>>", "Finished") >= 1).cache();
    }

    private OpenSslMessageLog log() {
        return process.messages();
    }

    // ---------------------------------------------------------------- openssl's standard output

    @Override
    public void bytes(byte[] buffer, int length) {
        byte[] data = filter.data(buffer, length);
        if (data.length > 0) {
            output.tryEmitNext(data);
        }
    }

    /** The output ends when openssl exits: cleanly only if it got our close_notify (openssl answers it and ends). */
    @Override
    public void end() {
        OpenSslProcess p = process;
        if (p != null && log().alerts("<<<", "close_notify") > 0) {
            output.tryEmitComplete();
        } else {
            output.tryEmitError(new IOException("openssl's output ended without a close_notify from the subject; "
                    + (p == null ? "" : p.describe())));
        }
    }

    // ---------------------------------------------------------------- SplitEndpoint

    @Override
    public Mono<Void> handshake() {
        return handshake;
    }

    @Override
    public Flux<ByteBuf> receive() {
        return output.asFlux().map(Unpooled::wrappedBuffer);
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> data) {
        return Flux.from(data)
                .publishOn(Schedulers.boundedElastic(), 4)
                .doOnNext(b -> {
                    try {
                        byte[] bytes = new byte[b.readableBytes()];
                        b.readBytes(bytes);
                        stdin.lock(); // never in the middle of a command (see command())
                        try {
                            process.write(bytes, 0, bytes.length);
                            written.addAndGet(bytes.length);
                        } finally {
                            stdin.unlock();
                        }
                    } finally {
                        b.release();
                    }
                })
                .doOnDiscard(ByteBuf.class, ByteBuf::release)
                .then();
    }

    /**
     * openssl cannot start a close_notify (s_server's Q and end of input close the socket without one)
     * and answers ours with its own at once: the subject closes first; this waits for openssl's answer
     * and then checks in its message log that openssl saw the cell's event.
     */
    @Override
    public Mono<Void> finish() {
        return until("openssl's close_notify (its answer to ours)", () -> log().alerts(">>>", "close_notify") >= 1)
                .then(Mono.fromRunnable(() -> OpenSslEvidence.check(cell, log())));
    }

    @Override
    public Mono<Void> keyUpdate() {
        return command("K", "a KeyUpdate sent and the subject's answer received", () -> {
            long sent = log().handshakes(">>>", "KeyUpdate");
            long received = log().handshakes("<<<", "KeyUpdate");
            return () -> log().handshakes(">>>", "KeyUpdate") > sent && log().handshakes("<<<", "KeyUpdate") > received;
        });
    }

    @Override
    public Mono<Void> keyUpdateNotRequested() {
        return command("k", "a KeyUpdate sent", () -> {
            long sent = log().handshakes(">>>", "KeyUpdate");
            return () -> log().handshakes(">>>", "KeyUpdate") > sent;
        });
    }

    /**
     * TLS 1.2: s_server's r (a HelloRequest; the subject client starts the new handshake) or
     * s_client's R (a ClientHello); done when a Finished more went each way.
     */
    @Override
    public Mono<Void> renegotiate() {
        String starts = tool.equals("s_server") ? "HelloRequest" : "ClientHello";
        return command(tool.equals("s_server") ? "r" : "R", "a " + starts + " sent and a Finished more each way", () -> {
            long sent = log().handshakes(">>>", starts);
            long finishedIn = log().handshakes("<<<", "Finished");
            long finishedOut = log().handshakes(">>>", "Finished");
            return () -> log().handshakes(">>>", starts) > sent && log().handshakes("<<<", "Finished") > finishedIn
                    && log().handshakes(">>>", "Finished") > finishedOut;
        });
    }

    /**
     * Writes the command {@code letter} as a read of its own, then waits for the condition {@code done}
     * makes (from the message log's counts just before the command). Holds the stdin lock throughout:
     * the data written before it must all have reached the subject (openssl has read them), and no
     * data may follow before openssl has done the command (openssl drops the rest of a read that
     * starts with a command).
     */
    private Mono<Void> command(String letter, String what, Supplier<BooleanSupplier> done) {
        return Mono.<Void>fromRunnable(() -> {
            stdin.lock();
            try {
                await("openssl to have read every byte written to it before '" + letter + "' (the subject received them all)",
                        () -> receivedBySubject.getAsLong() >= written.get());
                BooleanSupplier condition = done.get();
                process.line(letter);
                await("'" + letter + "' done: " + what, condition);
            } finally {
                stdin.unlock();
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Waits on boundedElastic for an observable condition; fails once the process is gone without it. */
    private Mono<Void> until(String what, BooleanSupplier condition) {
        return Mono.<Void>fromRunnable(() -> await(what, condition)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Polls {@code condition} (on a thread that may block); fails once the process is gone without it. */
    private void await(String what, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (disposed || !process.isAlive()) {
                if (condition.getAsBoolean()) {
                    return;
                }
                throw new IllegalStateException("openssl " + tool + " is gone, still waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public String describe() {
        OpenSslProcess p = process;
        return "written to openssl's stdin " + written.get() + " B, the subject received " + receivedBySubject.getAsLong()
                + " B; " + filter.describe() + "\n" + (p == null ? "(not started)" : p.describe());
    }

    @Override
    public void dispose() {
        disposed = true;
        OpenSslProcess p = process;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public String toString() {
        return "openssl " + tool;
    }
}
