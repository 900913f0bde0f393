package io.tlsduplex.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JMH results (and IdleMemory's JMH-shaped ones) read from JSON files, with lookups by benchmark and parameters. */
final class Results {

    /** One score and its 99.9% error (NaN when JMH had too few samples to give one). */
    record Metric(double score, double error, String unit) {
        String format() {
            String v = Results.format(score);
            return Double.isNaN(error) ? v : v + " ± " + Results.format(error);
        }
    }

    /** One benchmark run: {@code Class.method}, its parameters, its primary and secondary metrics. */
    record Run(String benchmark, Map<String, String> params, Metric primary, Map<String, Metric> secondary) {
        boolean matches(String name, String... keyValues) {
            if (!benchmark.equals(name)) {
                return false;
            }
            for (int k = 0; k < keyValues.length; k += 2) {
                if (!keyValues[k + 1].equals(params.get(keyValues[k]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code round-<n>-<group>.json}: one fork per configuration of a paired run (run.sh pairs). */
    private static final Pattern ROUND_FILE = Pattern.compile("round-(\\d+)-.*");

    private final List<Run> runs = new ArrayList<>();
    /** The paired rounds, by number; the main runs above never include them. */
    private final Map<Integer, Results> rounds = new TreeMap<>();

    static Results read(List<Path> files) throws IOException {
        Results r = new Results();
        for (Path f : files) {
            String text = Files.readString(f);
            if (text.isBlank()) {
                System.err.println("skipping " + f + ": empty (a run still in progress, or one that failed)");
                continue;
            }
            Matcher round = ROUND_FILE.matcher(f.getFileName().toString());
            Results into = round.matches()
                    ? r.rounds.computeIfAbsent(Integer.parseInt(round.group(1)), n -> new Results())
                    : r;
            for (Object o : (List<?>) Json.parse(text)) {
                into.runs.add(run((Map<?, ?>) o));
            }
        }
        return r;
    }

    /** Each paired round's results, in round order (empty when there was no paired run). */
    List<Results> rounds() {
        return new ArrayList<>(rounds.values());
    }

    private static Run run(Map<?, ?> m) {
        String full = (String) m.get("benchmark");
        String[] parts = full.split("\\.");
        String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        Object p = m.get("params");
        if (p instanceof Map<?, ?> pm) {
            pm.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
        }
        Map<String, Metric> secondary = new LinkedHashMap<>();
        Object s = m.get("secondaryMetrics");
        if (s instanceof Map<?, ?> sm) {
            sm.forEach((k, v) -> secondary.put((String) k, metric((Map<?, ?>) v)));
        }
        return new Run(name, params, metric((Map<?, ?>) m.get("primaryMetric")), secondary);
    }

    private static Metric metric(Map<?, ?> m) {
        return new Metric(number(m.get("score")), number(m.get("scoreError")), (String) m.get("scoreUnit"));
    }

    private static double number(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    Optional<Run> find(String name, String... keyValues) {
        return runs.stream().filter(r -> r.matches(name, keyValues)).findFirst();
    }

    Optional<Metric> primary(String name, String... keyValues) {
        return find(name, keyValues).map(Run::primary);
    }

    /**
     * Score per CPU-second: the score divided by the fork's CPU use (the {@code cpuMs} counter, ms
     * of process CPU per wall second), with both relative errors propagated (first order).
     */
    Optional<Metric> perCpu(String scoreMetric, String name, String... keyValues) {
        return find(name, keyValues).flatMap(r -> {
            Metric score = scoreMetric == null ? r.primary() : r.secondary().get(scoreMetric);
            Metric cpu = r.secondary().get("cpuMs");
            if (score == null || cpu == null || cpu.score() <= 0) {
                return Optional.empty();
            }
            double q = score.score() / (cpu.score() / 1000);
            double es = score.error() / score.score();
            double ec = cpu.error() / cpu.score();
            return Optional.of(new Metric(q, q * Math.sqrt(es * es + ec * ec), "per CPU-s"));
        });
    }

    Optional<Metric> secondary(String metric, String name, String... keyValues) {
        return find(name, keyValues).map(r -> r.secondary().get(metric));
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
