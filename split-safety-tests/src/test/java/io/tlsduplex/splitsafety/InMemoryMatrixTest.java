package io.tlsduplex.splitsafety;

import io.tlsduplex.splitsafety.peers.MemoryAdapterPeer;
import java.util.List;

/** The matrix against the adapter itself over the in-memory pair: every transport condition. */
class InMemoryMatrixTest extends SplitSafetyMatrix {
    @Override
    protected Peer peer() {
        return MemoryAdapterPeer.INSTANCE;
    }

    @Override
    protected List<Condition> conditions() {
        return List.of(Condition.WHOLE_RECORDS, Condition.ONE_BYTE_CHUNKS, Condition.RANDOM_CHUNKS, Condition.SLOW_CONSUMER);
    }
}
