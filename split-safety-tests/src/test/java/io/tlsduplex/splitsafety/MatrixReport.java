package io.tlsduplex.splitsafety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects cell outcomes and appends them to {@code target/split-safety/matrix.tsv} (one row per cell
 * and implementation), from which {@link MatrixTable} renders the table of docs/split-safety.md.
 */
public final class MatrixReport {
    public static final Path FILE = Path.of("target", "split-safety", "matrix.tsv");
    private final List<String> rows = new ArrayList<>();

    public synchronized void add(Implementation implementation, Cell cell, CellRun.Outcome outcome) {
        rows.add(String.join("\t", implementation.label(), cell.peer().name(), cell.event().label(), cell.usage().label(),
                cell.condition().label(), cell.role().name().toLowerCase(java.util.Locale.ROOT), Long.toString(cell.bytes()),
                outcome.result().name(), Long.toString(outcome.millis()), outcome.detail().replace('\t', ' ')));
    }

    /** Appends what was collected (tests of several classes share the file). */
    public synchronized void flush() {
        try {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            rows.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
