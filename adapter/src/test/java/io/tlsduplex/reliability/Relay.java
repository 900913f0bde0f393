package io.tlsduplex.reliability;

import io.tlsduplex.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The network between a client and a server stream, record by record: two in-memory pairs joined
 * by two raw peers that cut the ciphertext into TLS records and ask a {@link Rule} what to do with
 * each. It records every record it saw (the capture the fuzzer mutates) and injects faults at an
 * exact point: half a record then a reset, or half a record then EOF.
 */
final class Relay {

    enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    /** One TLS record as it crossed the relay; {@code index} counts records per direction from 0. */
    record TlsRecord(Direction direction, int index, int type, byte[] bytes) { }

    enum Action {
        FORWARD,
        /** Forward the first half of this record, then reset the connection (both ends see a read error). */
        CUT_THEN_RESET,
        /** Forward the first half of this record, then EOF towards its receiver (no alert, no close_notify). */
        CUT_THEN_EOF,
        /** Do not forward this record, then EOF towards its receiver. */
        EOF_BEFORE
    }

    @FunctionalInterface
    interface Rule {
        Action on(TlsRecord record);
    }

    static final int APPLICATION_DATA = 23;
    static final int HANDSHAKE = 22;

    private final MemoryTransport clientEnd;
    private final MemoryTransport serverEnd;
    private final RawPeer facingClient;
    private final RawPeer facingServer;
    private final Parser fromClient = new Parser(Direction.CLIENT_TO_SERVER);
    private final Parser fromServer = new Parser(Direction.SERVER_TO_CLIENT);
    private final List<TlsRecord> seen = new ArrayList<>();
    private final Sinks.One<TlsRecord> tripped = Sinks.one();
    private volatile Rule rule = r -> Action.FORWARD;
    private volatile boolean broken;

    private Relay(MemoryTransport.Options options) {
        MemoryTransport.Pair toClient = MemoryTransport.pair(options);
        MemoryTransport.Pair toServer = MemoryTransport.pair(options);
        this.clientEnd = toClient.left();
        this.serverEnd = toServer.right();
        this.facingClient = RawPeer.on(toClient.right());
        this.facingServer = RawPeer.on(toServer.left());
        facingClient.onBytes(fromClient::feed);
        facingServer.onBytes(fromServer::feed);
        // A FIN crosses the network like any byte: one side's end of output reaches the other.
        facingClient.onEnd(facingServer::shutdownOutput);
        facingServer.onEnd(facingClient::shutdownOutput);
    }

    static Relay create() {
        return new Relay(MemoryTransport.Options.defaults());
    }

    static Relay create(MemoryTransport.Options options) {
        return new Relay(options);
    }

    /** The transport to put the client stream on. */
    MemoryTransport clientTransport() {
        return clientEnd;
    }

    /** The transport to put the server stream on. */
    MemoryTransport serverTransport() {
        return serverEnd;
    }

    Relay rule(Rule newRule) {
        this.rule = newRule;
        return this;
    }

    /** Completes with the record at which the rule injected its fault. */
    Mono<TlsRecord> tripped() {
        return tripped.asMono();
    }

    /** Every record that crossed (or reached) the relay so far, in arrival order. */
    List<TlsRecord> records() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Resets the connection now: both streams' transports get a read error. */
    void reset() {
        broken = true;
        IOException reset = new IOException("connection reset by peer (injected by the test relay)");
        clientEnd.injectReadError(reset);
        serverEnd.injectReadError(reset);
        facingClient.close();
        facingServer.close();
    }

    /** Puts {@code bytes} on the wire in {@code direction}, as if a peer had sent them. */
    void inject(Direction direction, byte[] bytes) {
        forward(direction, bytes, 0, bytes.length);
    }

    /** EOF in {@code direction} now (no alert, no close_notify): the sender hung up. */
    void hangUp(Direction direction) {
        eofTowards(direction);
    }

    private void eofTowards(Direction direction) {
        broken = true;
        if (direction == Direction.CLIENT_TO_SERVER) {
            facingServer.shutdownOutput();
        } else {
            facingClient.shutdownOutput();
        }
    }

    private void forward(Direction direction, byte[] bytes, int from, int to) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            facingServer.write(bytes, from, to);
        } else {
            facingClient.write(bytes, from, to);
        }
    }

    /** Cuts one direction's bytes into records; called by one pipe's delivery loop at a time. */
    private final class Parser {
        private final Direction direction;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int index;

        Parser(Direction direction) {
            this.direction = direction;
        }

        void feed(byte[] chunk) {
            List<TlsRecord> complete = new ArrayList<>();
            synchronized (this) {
                pending.writeBytes(chunk);
                byte[] all = pending.toByteArray();
                int offset = 0;
                while (all.length - offset >= 5) {
                    int length = ((all[offset + 3] & 0xff) << 8) | (all[offset + 4] & 0xff);
                    if (all.length - offset < 5 + length) {
                        break;
                    }
                    complete.add(new TlsRecord(direction, index++, all[offset] & 0xff,
                            Arrays.copyOfRange(all, offset, offset + 5 + length)));
                    offset += 5 + length;
                }
                pending.reset();
                pending.write(all, offset, all.length - offset);
            }
            for (TlsRecord r : complete) {
                handle(r);
            }
        }

        private void handle(TlsRecord r) {
            if (broken) {
                return; // after a fault nothing more crosses
            }
            synchronized (seen) {
                seen.add(r);
            }
            Action action = rule.on(r);
            byte[] b = r.bytes();
            switch (action) {
                case FORWARD -> forward(direction, b, 0, b.length);
                case CUT_THEN_RESET -> {
                    forward(direction, b, 0, b.length / 2);
                    tripped.tryEmitValue(r);
                    reset();
                }
                case CUT_THEN_EOF -> {
                    forward(direction, b, 0, b.length / 2);
                    tripped.tryEmitValue(r);
                    eofTowards(direction);
                }
                case EOF_BEFORE -> {
                    tripped.tryEmitValue(r);
                    eofTowards(direction);
                }
            }
        }
    }
}
