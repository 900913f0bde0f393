package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsStream;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * TLS 1.3 half-close: the client sends everything and finishes its write half (close_notify), and
 * only then does the server send its whole answer. The client's read half must go on after its
 * write half ended, and the server's write half must outlive its read half. (TLS 1.2 has no
 * half-close: there the first close_notify ends both directions.)
 */
final class HalfClose implements Hazard {
    private final long size;

    HalfClose(long size) {
        this.size = size;
    }

    @Override
    public String name() {
        return "TLS 1.3 half-close: client close_notify, then server answers";
    }

    @Override
    public String protocol() {
        return "TLSv1.3";
    }

    @Override
    public Mono<Outcome> play(DemoLink.Ends ends, Received atServer, Received atClient) {
        TlsStream.Split client = ends.client().split();
        TlsStream.Split server = ends.server().split();
        SeededBytes up = new SeededBytes(3, size);
        SeededBytes down = new SeededBytes(4, size);

        Mono<Void> clientWrites = client.writer().send(up.buffers().subscribeOn(Schedulers.boundedElastic()))
                .then(client.writer().finish());
        Mono<Void> clientReads = atClient.consume(client.reader().receive());
        Mono<Void> serverSide = atServer.consume(server.reader().receive())
                .then(server.writer().send(down.buffers().subscribeOn(Schedulers.boundedElastic())))
                .then(server.writer().finish());

        return Mono.when(clientWrites, clientReads, serverSide)
                .then(Mono.when(ends.client().onClose(), ends.server().onClose()))
                .then(Mono.fromSupplier(() -> new Outcome(size, size,
                        up.sha256().equals(atServer.sha256()) && down.sha256().equals(atClient.sha256()),
                        "answer after close_notify")));
    }
}
