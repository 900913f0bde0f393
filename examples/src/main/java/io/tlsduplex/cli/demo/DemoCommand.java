package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.cli.Failures;
import io.tlsduplex.cli.Main;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Mono;

/**
 * {@code tls-duplex demo}: a throw-away CA in memory, a server and a client, and the classic
 * hazards of a split TLS stream, one result line each. Exit status 0 only if every hazard passed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the classic hazards of a split TLS stream between a server and a client:",
                "a TLS 1.3 KeyUpdate storm while the client only reads, TLS 1.2 renegotiations while",
                "the client only writes, and a TLS 1.3 half-close. Certificates are made in memory.",
                "Exit status 0 only if every hazard passes."})
public final class DemoCommand implements Callable<Integer> {

    enum Transport { tcp, memory }

    @ParentCommand
    private Main main;

    @Option(names = "--size", paramLabel = "MiB", defaultValue = "16",
            description = "Bytes per direction and hazard, in MiB (default: ${DEFAULT-VALUE}).")
    private int sizeMib;

    @Option(names = "--transport", paramLabel = "tcp|memory", defaultValue = "tcp",
            description = "Loopback TCP or the in-memory transport pair (default: ${DEFAULT-VALUE}).")
    private Transport transport;

    @Option(names = "--key-updates", paramLabel = "N", defaultValue = "200",
            description = "KeyUpdates the server asks for in the storm (default: ${DEFAULT-VALUE}).")
    private int keyUpdates;

    @Option(names = "--renegotiations", paramLabel = "N", defaultValue = "4",
            description = "TLS 1.2 renegotiations the server starts (default: ${DEFAULT-VALUE}).")
    private int renegotiations;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20",
            description = "Longest a hazard may take before it counts as hung (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() {
        Streams io = main.io();
        long size = (long) sizeMib << 20;
        List<Hazard> hazards = List.of(
                new KeyUpdateStorm(size, keyUpdates),
                new Renegotiation(size, renegotiations),
                new HalfClose(size));
        TestPki pki = TestPki.create("tls-duplex demo");
        int failed = 0;
        try (DemoLink link = link()) {
            io.out().println("tls-duplex demo: throw-away CA '" + pki.caCertificate().getSubjectX500Principal().getName()
                    + "', JDK engines, " + link.describe());
            io.out().printf(Locale.ROOT, "%-62s %10s %10s %7s %8s  %s%n",
                    "hazard", "c->s", "s->c", "sha256", "MB/s", "result");
            // An untimed first round: the JIT compiles the crypto and the pump, so that the MB/s
            // below measure the hazards and not the JVM's warm-up.
            Line warmUp = run(new HalfClose(Math.min(size, 8L << 20)), link, pki, io, "warming up (untimed)");
            if (!warmUp.pass()) {
                io.out().println("warm-up: " + warmUp.text());
                failed++;
            }
            for (Hazard hazard : hazards) {
                Line line = run(hazard, link, pki, io, hazard.name());
                io.out().println(line.text());
                if (!line.pass()) {
                    failed++;
                }
            }
        }
        io.out().println(failed == 0 ? "all " + hazards.size() + " hazards passed"
                : failed + " of " + hazards.size() + " hazards FAILED");
        return failed == 0 ? 0 : 1;
    }

    private DemoLink link() {
        return transport == Transport.memory ? new MemoryLink() : new TcpLink();
    }

    private record Line(String text, boolean pass) { }

    private Line run(Hazard hazard, DemoLink link, TestPki pki, Streams io, String label) {
        TlsOptions client = hazard.clientOptions(TlsOptions.client(pki.clientContext())
                .serverName("localhost").protocols(hazard.protocol())).build();
        TlsOptions server = hazard.serverOptions(TlsOptions.server(pki.serverContext())
                .protocols(hazard.protocol())).build();
        Received atServer = new Received();
        Received atClient = new Received();
        DemoLink.Ends[] opened = new DemoLink.Ends[1];
        long start = System.nanoTime();
        Hazard.Outcome outcome;
        String error = null;
        try (AutoCloseable progress = ProgressLine.start(io.terminal(), io.out(), () -> String.format(Locale.ROOT,
                "%s ... c->s %s, s->c %s", label, mib(atServer.bytes()), mib(atClient.bytes())))) {
            outcome = link.open(client, server)
                    .doOnNext(ends -> opened[0] = ends)
                    .flatMap(ends -> hazard.play(ends, atServer, atClient))
                    .timeout(Duration.ofSeconds(timeoutSeconds), Mono.error(() -> new IllegalStateException(
                            "no end within " + timeoutSeconds + " s: client " + describe(opened[0], true)
                                    + "; server " + describe(opened[0], false))))
                    .block();
        } catch (Exception e) {
            outcome = null;
            error = Failures.describe(e);
        } finally {
            if (opened[0] != null) {
                opened[0].client().dispose();
                opened[0].server().dispose();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long up = atServer.bytes();
        long down = atClient.bytes();
        boolean pass = outcome != null && outcome.sha256Match()
                && up == outcome.expectedUp() && down == outcome.expectedDown();
        String text = String.format(Locale.ROOT, "%-62s %10s %10s %7s %8.1f  %s",
                hazard.name(), mib(up), mib(down), outcome == null ? "-" : outcome.sha256Match() ? "match" : "DIFFER",
                (up + down) / 1e6 / seconds, pass ? "PASS" : "FAIL");
        if (outcome != null) {
            text += " (" + outcome.detail() + ")";
        }
        if (error != null) {
            text += " " + error;
        }
        return new Line(text, pass);
    }

    private static String describe(DemoLink.Ends ends, boolean client) {
        if (ends == null) {
            return "not connected";
        }
        return client ? ends.client().describe() : ends.server().describe();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
