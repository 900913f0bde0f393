package io.tlsduplex.splitsafety.peers;

import io.netty.buffer.Unpooled;
import io.tlsduplex.splitsafety.AdapterEndpoint;
import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Endpoints;
import io.tlsduplex.splitsafety.Event;
import io.tlsduplex.splitsafety.Role;
import io.tlsduplex.splitsafety.Implementation;
import io.tlsduplex.splitsafety.Peer;
import io.tlsduplex.splitsafety.SplitEndpoint;
import io.tlsduplex.splitsafety.Wiring;
import io.tlsduplex.transport.MemoryTransport;

/** The adapter itself as the peer, over the in-memory pair (the only peer that takes every transport condition). */
public final class MemoryAdapterPeer implements Peer {
    public static final MemoryAdapterPeer INSTANCE = new MemoryAdapterPeer();

    @Override
    public String name() {
        return "adapter (memory)";
    }

    /** The adapter's keyUpdate() always asks for one back: a KeyUpdate without update_requested is only its answer. */
    @Override
    public boolean supports(Event event, Role role) {
        return event != Event.PEER_KEY_UPDATE_NOT_REQUESTED;
    }

    @Override
    public Wiring connect(Implementation implementation, Cell cell) {
        MemoryTransport.Pair pair = MemoryTransport.pair(cell.condition().memoryOptions(cell.seed()));
        SplitEndpoint peer = AdapterEndpoint.over(pair.right(), Endpoints.peerOptions(cell));
        SplitEndpoint subject = implementation.over(pair.left(), Endpoints.subjectOptions(cell));
        // A raw write on an end lands between two whole writes of its pump (the pipe serializes writes).
        return new Wiring(subject, peer,
                bytes -> pair.right().write(Unpooled.wrappedBuffer(bytes), error -> { }),
                bytes -> pair.left().write(Unpooled.wrappedBuffer(bytes), error -> { }),
                () -> { });
    }
}
