package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsStream;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * TLS 1.3, read needs write: the server streams data and keeps sending KeyUpdate(update_requested)
 * while the client only reads. Each request obliges the client to write its own KeyUpdate; a split
 * stream whose writer is idle must still answer, or the server's stream stalls.
 */
final class KeyUpdateStorm implements Hazard {
    private final long size;
    private final int updates;

    KeyUpdateStorm(long size, int updates) {
        this.size = size;
        this.updates = updates;
    }

    @Override
    public String name() {
        return "TLS 1.3 KeyUpdate storm: server asks " + updates + "x, client only reads";
    }

    @Override
    public String protocol() {
        return "TLSv1.3";
    }

    @Override
    public Mono<Outcome> play(DemoLink.Ends ends, Received atServer, Received atClient) {
        TlsStream.Split client = ends.client().split();
        TlsStream.Split server = ends.server().split();
        SeededBytes down = new SeededBytes(1, size);

        Sinks.Many<Integer> due = Sinks.many().unicast().onBackpressureBuffer();
        Milestones milestones = new Milestones(size, updates, () -> due.tryEmitNext(1));
        long[] sent = {0};
        AtomicLong completed = new AtomicLong(-1);
        Mono<Long> keyUpdates = due.asFlux()
                .concatMap(i -> ends.server().keyUpdate().thenReturn(i))
                .count();
        Mono<Void> serverWrites = Mono.zip(
                        server.writer().send(down.buffers()
                                .doOnNext(b -> milestones.onTotal(sent[0] += b.readableBytes()))
                                .doOnComplete(due::tryEmitComplete)
                                .subscribeOn(Schedulers.boundedElastic())).thenReturn(0),
                        keyUpdates)
                .flatMap(done -> server.writer().finish().then(Mono.fromRunnable(() -> completed.set(done.getT2()))));
        Mono<Void> serverReads = atServer.consume(server.reader().receive());
        // TLS 1.3 half-close: the client's output stays open after the server's close_notify.
        Mono<Void> clientReads = atClient.consume(client.reader().receive()).then(client.writer().finish());

        // The storm starts once the session is up: a KeyUpdate needs an established TLS 1.3 session.
        return ends.server().handshake()
                .then(Mono.when(serverWrites, serverReads, clientReads))
                .then(Mono.when(ends.client().onClose(), ends.server().onClose()))
                .then(Mono.fromSupplier(() -> new Outcome(0, size,
                        Sha256.EMPTY.equals(atServer.sha256()) && down.sha256().equals(atClient.sha256())
                                && completed.get() == updates,
                        completed.get() + " key updates")));
    }
}
