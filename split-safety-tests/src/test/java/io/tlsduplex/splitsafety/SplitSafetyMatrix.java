package io.tlsduplex.splitsafety;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenario suite, in the style of Netty's {@code SSLEngineTest}: the scenarios are here, each
 * subclass names a peer (and the transport conditions it can offer). Every cell must pass for the
 * adapter; the same cells, run with the naive split, make the negative control.
 */
public abstract class SplitSafetyMatrix {
    private static final MatrixReport REPORT = new MatrixReport();

    /** The peer of every cell of this suite. */
    protected abstract Peer peer();

    /** The transport conditions this peer can run under. */
    protected List<Condition> conditions() {
        return List.of(Condition.LOOPBACK_TCP);
    }

    /** Bytes each way for a cell (kept modest: the matrix is many cells). */
    protected long bytes(Condition condition) {
        return condition == Condition.ONE_BYTE_CHUNKS ? 8 * 1024 : 256 * 1024;
    }

    /** Every cell of this suite, for {@code implementation}. */
    public List<Cell> cells(Implementation implementation) {
        List<Cell> cells = new ArrayList<>();
        long seed = 1;
        for (Event event : Event.values()) {
            if (implementation == Implementation.NAIVE && event == Event.CLIENT_RENEGOTIATION_REFUSED) {
                continue; // a policy of ours, not a split-safety property: the naive split has none
            }
            for (Role role : roles(event)) {
                if (!peer().supports(event, role)) {
                    continue;
                }
                for (Usage usage : Usage.values()) {
                    for (Condition condition : conditions()) {
                        cells.add(new Cell(peer(), event, usage, condition, role, bytes(condition), seed++));
                    }
                }
            }
        }
        String only = System.getProperty("splitsafety.cells");
        if (only != null && !only.isBlank()) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(only);
            cells.removeIf(c -> !p.matcher(c.name()).find());
        }
        return cells;
    }

    private static List<Role> roles(Event event) {
        return switch (event) {
            case HANDSHAKE, HANDSHAKE_TLS12, PEER_KEY_UPDATE_REQUESTED, SERVER_RENEGOTIATION, CLIENT_RENEGOTIATION ->
                    List.of(Role.CLIENT, Role.SERVER);
            case CLIENT_RENEGOTIATION_REFUSED -> List.of(Role.SERVER);
            default -> List.of(Role.CLIENT);
        };
    }

    @TestFactory
    Stream<DynamicTest> theAdapterKeepsEveryCellIntactAndLive() {
        return cells(Implementation.ADAPTER).stream().map(cell -> DynamicTest.dynamicTest(cell.name(), () -> {
            long start = System.nanoTime();
            System.out.println("cell: " + cell.name());
            try {
                CellRun.run(cell, Implementation.ADAPTER);
                System.out.println("  passed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
                REPORT.add(Implementation.ADAPTER, cell, new CellRun.Outcome(CellRun.Outcome.Result.PASS, "",
                        (System.nanoTime() - start) / 1_000_000));
            } catch (Throwable t) {
                REPORT.add(Implementation.ADAPTER, cell, new CellRun.Outcome(CellRun.Outcome.Result.FAIL,
                        String.valueOf(t.getMessage()).lines().findFirst().orElse(""), (System.nanoTime() - start) / 1_000_000));
                throw t;
            }
        }));
    }

    @AfterAll
    static void writeReport() {
        REPORT.flush();
    }
}
