package io.tlsduplex.splitsafety;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.splitsafety.peers.MemoryAdapterPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The negative control: the naive split ({@link io.tlsduplex.splitsafety.naive.NaiveSplitTls}) run
 * through the in-memory matrix. It must hang in every cell where a read needs a write with the write
 * half idle, or a write needs a read with the read half idle; if it ever passed all of them the
 * matrix would have lost its teeth. Cells run 12 at a time with a short bound, since most of the
 * expected failures are hangs that only cost waiting. The outcome of every cell goes to
 * {@code target/split-safety/matrix.tsv} and {@code naive-control.md}.
 */
class NaiveSplitNegativeControlTest {

    /**
     * The naive split hangs by design and its cells are abandoned mid-flight: a buffer it emits
     * after the test's subscriber gave up is dropped by Reactor (onNext after cancel). Release such
     * drops here, for this class only, so that the control's deliberate hangs cannot show up as
     * leaks (the adapter's own classes keep the default hook and the leak check).
     */
    @org.junit.jupiter.api.BeforeAll
    static void releaseBuffersDroppedByAbandonedCells() {
        reactor.core.publisher.Hooks.onNextDropped(o -> io.netty.util.ReferenceCountUtil.release(o));
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreDroppedHook() {
        reactor.core.publisher.Hooks.resetOnNextDropped();
    }


    /** Events during which a read needs a write: the handshake, a KeyUpdate(update_requested), renegotiation. */
    static final Set<Event> READ_NEEDS_WRITE = EnumSet.of(Event.HANDSHAKE, Event.HANDSHAKE_TLS12,
            Event.PEER_KEY_UPDATE_REQUESTED, Event.PEER_KEY_UPDATE_BURST, Event.OUR_KEY_UPDATE,
            Event.SERVER_RENEGOTIATION, Event.CLIENT_RENEGOTIATION);
    /** Events during which a write needs a read: the handshake and renegotiation. */
    static final Set<Event> WRITE_NEEDS_READ = EnumSet.of(Event.HANDSHAKE, Event.HANDSHAKE_TLS12,
            Event.SERVER_RENEGOTIATION, Event.CLIENT_RENEGOTIATION);

    private final SplitSafetyMatrix matrix = new SplitSafetyMatrix() {
        @Override
        protected Peer peer() {
            return MemoryAdapterPeer.INSTANCE;
        }

        @Override
        protected List<Condition> conditions() {
            return List.of(Condition.WHOLE_RECORDS, Condition.ONE_BYTE_CHUNKS, Condition.RANDOM_CHUNKS, Condition.SLOW_CONSUMER);
        }

        @Override
        protected long bytes(Condition condition) {
            return condition == Condition.ONE_BYTE_CHUNKS ? 1024 : 64 * 1024;
        }

        @Override
        protected List<Long> extraSizes() {
            return List.of(7L);
        }
    };

    static boolean expectedDeadlock(Cell cell) {
        return (cell.usage() == Usage.READ_ONLY && READ_NEEDS_WRITE.contains(cell.event()))
                || (cell.usage() == Usage.WRITE_ONLY && WRITE_NEEDS_READ.contains(cell.event()));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // ~300 cells, about a third of them 3-second hangs
    void theNaiveSplitHangsWhereAReadNeedsAWriteOrAWriteNeedsARead() throws Exception {
        List<Cell> cells = matrix.cells(Implementation.NAIVE);
        Map<Cell, CellRun.Outcome> outcomes = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<CellRun.Outcome>> futures = new ArrayList<>();
            for (Cell cell : cells) {
                futures.add(pool.submit(() -> CellRun.outcome(cell, Implementation.NAIVE)));
            }
            for (int i = 0; i < cells.size(); i++) {
                outcomes.put(cells.get(i), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        MatrixReport report = new MatrixReport();
        outcomes.forEach((cell, outcome) -> report.add(Implementation.NAIVE, cell, outcome));
        report.flush();
        writeSummary(outcomes);

        long failed = outcomes.values().stream().filter(o -> o.result() != CellRun.Outcome.Result.PASS).count();
        assertThat(failed).as("cells the naive split fails (if 0, the matrix has lost its teeth)").isPositive();
        assertThat(failed).as("cells the naive split fails: all of them would mean it fails for reasons other than the split")
                .isLessThan(outcomes.size());
        // Whether the naive reader sees the engine's NEED_WRAP before the data after it is a matter of
        // timing in a few cells, so each class must hang in most of its cells, not in every one.
        assertMostlyHang(outcomes, "read needs write", c -> c.usage() == Usage.READ_ONLY && READ_NEEDS_WRITE.contains(c.event()));
        assertMostlyHang(outcomes, "write needs read", c -> c.usage() == Usage.WRITE_ONLY && WRITE_NEEDS_READ.contains(c.event()));
    }

    private static void assertMostlyHang(Map<Cell, CellRun.Outcome> outcomes, String what, java.util.function.Predicate<Cell> inClass) {
        List<String> survived = new ArrayList<>();
        long total = 0;
        for (Map.Entry<Cell, CellRun.Outcome> e : outcomes.entrySet()) {
            if (inClass.test(e.getKey())) {
                total++;
                if (e.getValue().result() != CellRun.Outcome.Result.HANG) {
                    survived.add(e.getKey().name() + " -> " + e.getValue());
                }
            }
        }
        assertThat(total).as(what + " cells").isPositive();
        assertThat(survived.size()).as(what + " cells where the naive split did not hang: " + survived).isLessThanOrEqualTo((int) (total / 4));
    }

    private static void writeSummary(Map<Cell, CellRun.Outcome> outcomes) throws IOException {
        StringBuilder md = new StringBuilder("# Naive split: cells it fails\n\n| cell | expected deadlock | result | detail |\n|---|---|---|---|\n");
        outcomes.forEach((cell, o) -> {
            if (o.result() != CellRun.Outcome.Result.PASS) {
                md.append("| ").append(cell.name()).append(" | ").append(expectedDeadlock(cell) ? "yes" : "no").append(" | ")
                        .append(o.result()).append(" | ").append(o.detail().replace('|', '/')).append(" |\n");
            }
        });
        Files.createDirectories(MatrixReport.FILE.getParent());
        Files.writeString(MatrixReport.FILE.resolveSibling("naive-control.md"), md);
    }
}
