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

    /** The soak variant (Maven profile {@code soak}): every cell, larger payloads, more seeds. */
    protected static final boolean SOAK = Boolean.getBoolean("splitsafety.soak");

    /** Bytes each way for a cell (kept modest: the matrix is many cells). */
    protected long bytes(Condition condition) {
        if (condition == Condition.ONE_BYTE_CHUNKS) {
            return SOAK ? 8 * 1024 : 1024;
        }
        return SOAK ? 256 * 1024 : 64 * 1024;
    }

    /**
     * Whether a cell runs in the default build. 1-byte chunks cost a pump run (and, under PARANOID
     * leak detection, a tracked slice) per byte: by default they run only where one half is idle,
     * the cells that catch a split deadlock; the soak profile runs them all.
     */
    protected boolean inDefaultBuild(Event event, Usage usage, Condition condition) {
        return SOAK || condition != Condition.ONE_BYTE_CHUNKS || usage == Usage.READ_ONLY || usage == Usage.WRITE_ONLY;
    }

    /** Payload sizes beyond the standard one: a few bytes and a large volume, plain streaming only. */
    protected List<Long> extraSizes() {
        return List.of(7L, SOAK ? 32L << 20 : 4L << 20);
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
                        if (inDefaultBuild(event, usage, condition)) {
                            cells.add(new Cell(peer(), event, usage, condition, role, bytes(condition), seed++));
                        }
                    }
                }
            }
        }
        for (long size : extraSizes()) {
            for (Usage usage : List.of(Usage.BOTH_DIFFERENT_SCHEDULERS, Usage.READ_ONLY, Usage.WRITE_ONLY)) {
                cells.add(new Cell(peer(), Event.STREAMING, usage, conditions().get(0), Role.CLIENT, size, seed++));
            }
        }
        String only = System.getProperty("splitsafety.cells");
        if (only != null && !only.isBlank()) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(only);
            cells.removeIf(c -> !p.matcher(c.name()).find());
        }
        return cells;
    }

    /** The roles the subject plays for {@code event} (a peer that can start it from either side may add some). */
    protected List<Role> roles(Event event) {
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
            progress("cell: " + cell.name());
            try {
                CellRun.run(cell, Implementation.ADAPTER);
                progress("  passed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
                REPORT.add(Implementation.ADAPTER, cell, new CellRun.Outcome(CellRun.Outcome.Result.PASS, "",
                        (System.nanoTime() - start) / 1_000_000));
            } catch (Throwable t) {
                REPORT.add(Implementation.ADAPTER, cell, new CellRun.Outcome(CellRun.Outcome.Result.FAIL,
                        String.valueOf(t.getMessage()).lines().findFirst().orElse(""), (System.nanoTime() - start) / 1_000_000));
                throw t;
            }
        }));
    }

    /** One line to target/split-safety/progress.log at once (surefire buffers stdout until the class ends). */
    static synchronized void progress(String line) {
        try {
            java.nio.file.Path log = MatrixReport.FILE.resolveSibling("progress.log");
            java.nio.file.Files.createDirectories(log.getParent());
            java.nio.file.Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void writeReport() {
        REPORT.flush();
    }
}
