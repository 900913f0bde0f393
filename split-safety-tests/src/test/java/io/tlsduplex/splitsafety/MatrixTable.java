package io.tlsduplex.splitsafety;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders {@code target/split-safety/matrix.tsv} as the Markdown tables of docs/split-safety.md:
 * one table per peer, a row per event, role and usage, a column per transport condition, each
 * entry "adapter result / naive result". Run after the matrix tests:
 * {@code java -cp split-safety-tests/target/test-classes io.tlsduplex.splitsafety.MatrixTable}.
 */
public final class MatrixTable {
    private MatrixTable() {
    }

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : Path.of("split-safety-tests").resolve(MatrixReport.FILE);
        List<String[]> rows = Files.readAllLines(file).stream().map(l -> l.split("\t", -1)).toList();
        Map<String, Map<String, Map<String, String[]>>> byPeer = new LinkedHashMap<>();
        Map<String, TreeSet<String>> conditions = new LinkedHashMap<>();
        for (String[] r : rows) {
            String impl = r[0];
            String peer = r[1];
            String row = r[2] + " | " + r[5] + " | " + r[3];
            String condition = r[4];
            conditions.computeIfAbsent(peer, p -> new TreeSet<>()).add(condition);
            String[] cell = byPeer.computeIfAbsent(peer, p -> new LinkedHashMap<>())
                    .computeIfAbsent(row, x -> new LinkedHashMap<>())
                    .computeIfAbsent(condition, c -> new String[] {"-", "-"});
            cell["adapter".equals(impl) ? 0 : 1] = symbol(r[7]);
        }
        StringBuilder md = new StringBuilder();
        byPeer.forEach((peer, table) -> {
            md.append("\n### Peer: ").append(peer).append("\n\n| event | we are | usage |");
            conditions.get(peer).forEach(c -> md.append(' ').append(c).append(" |"));
            md.append("\n|---|---|---|");
            conditions.get(peer).forEach(c -> md.append("---|"));
            md.append('\n');
            table.forEach((row, cells) -> {
                md.append("| ").append(row).append(" |");
                conditions.get(peer).forEach(c -> {
                    String[] v = cells.getOrDefault(c, new String[] {"-", "-"});
                    md.append(' ').append(v[0]).append(" / ").append(v[1]).append(" |");
                });
                md.append('\n');
            });
        });
        System.out.print(md);
    }

    private static String symbol(String result) {
        return switch (result) {
            case "PASS" -> "pass";
            case "HANG" -> "**HANG**";
            default -> "**FAIL**";
        };
    }
}
