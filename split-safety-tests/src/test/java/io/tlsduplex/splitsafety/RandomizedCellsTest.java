package io.tlsduplex.splitsafety;

import io.tlsduplex.splitsafety.peers.MemoryAdapterPeer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized runs: each seed picks an event, a usage, a role, random chunk sizes (both directions,
 * from the seed), a transport capacity and a payload size, and runs the cell against the adapter.
 * The seed is in the test's name; {@code -Dsplitsafety.seed=N} replays one, {@code -Dsplitsafety.seeds=K}
 * runs K of them (the soak profile runs many more).
 */
class RandomizedCellsTest {
    private static final long BASE = Long.getLong("splitsafety.seedBase", 20251125L);

    static Stream<Long> seeds() {
        Long one = Long.getLong("splitsafety.seed");
        if (one != null) {
            return Stream.of(one);
        }
        int count = Integer.getInteger("splitsafety.seeds", 12);
        SplittableRandom r = new SplittableRandom(BASE);
        return Stream.generate(r::nextLong).limit(count);
    }

    @ParameterizedTest(name = "seed {0} (replay with -Dsplitsafety.seed={0})")
    @MethodSource("seeds")
    void aRandomCellKeepsBytesIntactAndCompletes(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Event[] events = Stream.of(Event.values()).filter(e -> e != Event.PEER_KEY_UPDATE_NOT_REQUESTED).toArray(Event[]::new);
        Event event = events[r.nextInt(events.length)];
        Role role = event == Event.CLIENT_RENEGOTIATION_REFUSED ? Role.SERVER : r.nextBoolean() ? Role.CLIENT : Role.SERVER;
        Usage usage = Usage.values()[r.nextInt(Usage.values().length)];
        Condition condition = new Condition[] {Condition.WHOLE_RECORDS, Condition.RANDOM_CHUNKS, Condition.SLOW_CONSUMER}[r.nextInt(3)];
        long bytes = 1 + r.nextLong(condition == Condition.SLOW_CONSUMER ? 128 * 1024 : 512 * 1024);
        Cell cell = new Cell(MemoryAdapterPeer.INSTANCE, event, usage, condition, role, bytes, seed);
        System.out.println("seed " + seed + ": " + cell.name());
        CellRun.run(cell, Implementation.ADAPTER);
    }
}
