package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsClosedException;
import io.tlsduplex.TlsStream;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * TLS 1.2, write needs read: the client streams data and never reads while the server renegotiates
 * (HelloRequest, then a whole new handshake). The client's engine must read the server's handshake
 * messages to go on writing; a split stream whose reader is idle must still read them.
 *
 * <p>TLS 1.2 has no half-close, so the end is the server's: once it has every byte and its
 * renegotiations are done it sends close_notify, which the client's engine answers.
 */
final class Renegotiation implements Hazard {
    private final long size;
    private final int renegotiations;

    Renegotiation(long size, int renegotiations) {
        this.size = size;
        this.renegotiations = renegotiations;
    }

    @Override
    public String name() {
        return "TLS 1.2 renegotiation: server " + renegotiations + "x, client only writes";
    }

    @Override
    public String protocol() {
        return "TLSv1.2";
    }

    @Override
    public Mono<Outcome> play(DemoLink.Ends ends, Received atServer, Received atClient) {
        TlsStream.Split client = ends.client().split();
        TlsStream.Split server = ends.server().split();
        SeededBytes up = new SeededBytes(2, size);

        Sinks.Many<Integer> due = Sinks.many().unicast().onBackpressureBuffer();
        Sinks.Empty<Void> allArrived = Sinks.empty();
        Milestones milestones = new Milestones(size, renegotiations, () -> due.tryEmitNext(1));
        AtomicLong completed = new AtomicLong(-1);
        Mono<Long> renegotiated = due.asFlux()
                .concatMap(i -> ends.server().renegotiate().thenReturn(i))
                .count();
        Mono<Void> serverReads = atServer.consume(server.reader().receive(), total -> {
            milestones.onTotal(total);
            if (total == size) {
                due.tryEmitComplete();
                allArrived.tryEmitEmpty();
            }
        });
        Mono<Void> serverCloses = Mono.zip(allArrived.asMono().thenReturn(0), renegotiated)
                .flatMap(done -> server.writer().finish().then(Mono.fromRunnable(() -> completed.set(done.getT2()))));
        // The client reads only after it has sent everything: to see the server's close_notify.
        Mono<Void> clientSide = client.writer().send(up.buffers().subscribeOn(Schedulers.boundedElastic()))
                // The server may close the instant its last byte arrived, before our publisher's
                // completion reached the write half, and the adapter then fails the send (TLS 1.2
                // has no half-close). Not a loss: the server's SHA-256 below is the proof.
                .onErrorResume(TlsClosedException.class, e -> atServer.bytes() == size ? Mono.empty() : Mono.error(e))
                .then(atClient.consume(client.reader().receive()));

        return Mono.when(serverReads, serverCloses, clientSide)
                .then(Mono.when(ends.client().onClose(), ends.server().onClose()))
                .then(Mono.fromSupplier(() -> new Outcome(size, 0,
                        up.sha256().equals(atServer.sha256()) && Sha256.EMPTY.equals(atClient.sha256())
                                && completed.get() == renegotiations,
                        completed.get() + " renegotiations")));
    }
}
