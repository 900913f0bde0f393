package io.tlsduplex.reliability;

import io.netty.buffer.Unpooled;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Hang;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Real TLS records to mutate: one complete session per protocol (handshake, a little data each
 * way, close_notify) captured record by record by a {@link Relay}. Captured once per JVM.
 */
final class Corpus {
    private static final Map<String, Corpus> BY_PROTOCOL = new ConcurrentHashMap<>();

    private final List<Relay.TlsRecord> fromClient;
    private final List<Relay.TlsRecord> fromServer;

    private Corpus(List<Relay.TlsRecord> records) {
        this.fromClient = records.stream().filter(r -> r.direction() == Relay.Direction.CLIENT_TO_SERVER).toList();
        this.fromServer = records.stream().filter(r -> r.direction() == Relay.Direction.SERVER_TO_CLIENT).toList();
    }

    static Corpus of(String protocol) {
        return BY_PROTOCOL.computeIfAbsent(protocol, Corpus::capture);
    }

    private static Corpus capture(String protocol) {
        Relay relay = Relay.create();
        TlsStream server = TlsStream.over(relay.serverTransport(), SharedContexts.serverOptions(protocol).build());
        TlsStream client = TlsStream.over(relay.clientTransport(), SharedContexts.clientOptions(protocol).build());
        try {
            Mono<Void> serverSide = server.reader().receive().doOnNext(b -> b.release()).then()
                    .and(server.writer().send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(new byte[700]))));
            Mono<Void> clientSide = client.writer().send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(new byte[500])))
                    .then(client.reader().receive().take(1).doOnNext(b -> b.release()).then())
                    .then(client.writer().finish());
            Hang.await(Mono.when(serverSide, clientSide).then(server.writer().finish().onErrorResume(e -> Mono.empty()))
                    .then(client.onClose()), Duration.ofSeconds(20),
                    () -> "capturing a " + protocol + " session: client " + client.describe() + "\nserver " + server.describe());
            return new Corpus(relay.records());
        } finally {
            client.dispose();
            server.dispose();
        }
    }

    /** What the peer of a target in {@code targetIsServer} role would send. */
    List<Relay.TlsRecord> flightTowards(boolean targetIsServer) {
        return targetIsServer ? fromClient : fromServer;
    }
}
