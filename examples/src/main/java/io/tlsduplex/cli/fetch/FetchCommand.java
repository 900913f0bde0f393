package io.tlsduplex.cli.fetch;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.TlsTruncationException;
import io.tlsduplex.cli.Failures;
import io.tlsduplex.cli.HostPort;
import io.tlsduplex.cli.Main;
import io.tlsduplex.cli.Net;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.cli.UserInputException;
import io.tlsduplex.cli.tls.TlsEndOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code tls-duplex fetch URL...}: HTTP/1.1 GETs with {@code Connection: close} over many TLS
 * streams at once, each response's header and body written to files, a summary table at the end.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetches https URLs concurrently (HTTP/1.1 GET, Connection: close). For the N-th URL it writes",
                "N-HOST.header and N-HOST.body (a chunked body decoded) into --output-dir, then prints a",
                "summary table. Exit status 0 only if every response arrived whole."})
public final class FetchCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Parameters(arity = "1..*", paramLabel = "URL", description = "https URLs.")
    private List<String> urls;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where the files go (default: the current directory).")
    private Path outputDir;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
            description = "At most N connections at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Give up on one URL after this long (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Mixin
    private TlsEndOptions tls;

    record Target(int index, String url, HostPort server, String pathAndQuery) { }

    record Row(Target target, int status, long bodyBytes, long millis, String protocol, String error) {
        boolean ok() {
            return error == null;
        }
    }

    @Override
    public Integer call() throws IOException {
        Streams io = main.io();
        if (concurrency < 1) {
            throw new UserInputException("--concurrency must be at least 1");
        }
        List<Target> targets = new ArrayList<>();
        for (String url : urls) {
            targets.add(parse(targets.size() + 1, url));
        }
        Files.createDirectories(outputDir);
        tls.client("localhost", io); // validates the options (files, combinations) once, before any connection
        List<Row> rows = Flux.fromIterable(targets)
                .flatMapSequential(t -> fetch(t, io), concurrency)
                .collectList()
                .block();
        printTable(rows, io);
        return rows.stream().allMatch(Row::ok) ? 0 : 1;
    }

    private Target parse(int index, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UserInputException("'" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new UserInputException("'" + url + "' is not an https://HOST/... URL");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new Target(index, url, new HostPort(host, uri.getPort() < 0 ? 443 : uri.getPort()), path);
    }

    private Mono<Row> fetch(Target t, Streams io) {
        long start = System.nanoTime();
        TlsOptions options = tls.client(t.server().host(), Streams.quiet(io));
        String name = t.index() + "-" + t.server().host().replaceAll("[^A-Za-z0-9.-]", "_");
        Path headerFile = outputDir.resolve(name + ".header");
        Path bodyFile = outputDir.resolve(name + ".body");
        String request = "GET " + t.pathAndQuery() + " HTTP/1.1\r\nHost: " + hostHeader(t.server())
                + "\r\nUser-Agent: tls-duplex\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        String[] protocol = {"-"};
        return Mono.usingWhen(Mono.fromCallable(() -> new Files2(headerFile, bodyFile)).subscribeOn(Schedulers.boundedElastic()),
                files -> Net.connect(t.server(), options, Duration.ofSeconds(timeoutSeconds))
                        .flatMap(connected -> {
                            TlsStream stream = connected.stream();
                            HttpResponseSink sink = new HttpResponseSink(files.header, files.body);
                            protocol[0] = connected.session().protocol();
                            // No finish() after the request: a TLS 1.2 server takes our close_notify as the end of all.
                            Mono<Void> ask = stream.writer().sendString(Mono.just(request), StandardCharsets.US_ASCII);
                            Mono<Void> read = stream.reader().receive()
                                    .publishOn(Schedulers.boundedElastic())
                                    .doOnNext(b -> {
                                        try {
                                            sink.accept(b);
                                        } catch (IOException | RuntimeException e) {
                                            throw new UncheckedIOException(new IOException("bad response: " + e.getMessage(), e));
                                        } finally {
                                            b.release();
                                        }
                                    })
                                    .then()
                                    .onErrorResume(TlsTruncationException.class,
                                            e -> sink.complete() ? Mono.empty() : Mono.error(e))
                                    .then(Mono.fromRunnable(sink::onEnd));
                            return Mono.when(ask, read)
                                    .then(Mono.fromCallable(() -> {
                                        if (!sink.headerDone()) {
                                            throw new IOException("the server closed before a whole response header");
                                        }
                                        if (!sink.complete()) {
                                            throw new IOException("the body ended early (" + sink.bodyBytes() + " bytes)");
                                        }
                                        return new Row(t, sink.status(), sink.bodyBytes(), millis(start), protocol[0], null);
                                    }))
                                    .doFinally(s -> stream.dispose());
                        })
                        .timeout(Duration.ofSeconds(timeoutSeconds)),
                files -> Mono.fromRunnable(files::close).subscribeOn(Schedulers.boundedElastic()),
                (files, error) -> Mono.fromRunnable(files::close).subscribeOn(Schedulers.boundedElastic()),
                files -> Mono.fromRunnable(files::close).subscribeOn(Schedulers.boundedElastic()))
                .onErrorResume(e -> Mono.just(new Row(t, -1, 0, millis(start), protocol[0], Failures.describe(e))));
    }

    private static String hostHeader(HostPort server) {
        String host = server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host();
        return server.port() == 443 ? host : host + ":" + server.port();
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void printTable(List<Row> rows, Streams io) {
        io.out().printf(Locale.ROOT, "%-3s %-6s %12s %8s %-8s %s%n", "#", "status", "body bytes", "ms", "tls", "url / result");
        for (Row r : rows) {
            io.out().printf(Locale.ROOT, "%-3d %-6s %12d %8d %-8s %s %s%n", r.target().index(),
                    r.status() < 0 ? "-" : String.valueOf(r.status()), r.bodyBytes(), r.millis(), r.protocol(),
                    r.target().url(), r.ok() ? "ok" : "FAILED: " + r.error());
        }
        long ok = rows.stream().filter(Row::ok).count();
        io.out().println(ok + " of " + rows.size() + " fetched; files in " + outputDir.toAbsolutePath().normalize());
    }

    /** The two output files of one response. */
    private static final class Files2 implements AutoCloseable {
        final OutputStream header;
        final OutputStream body;

        Files2(Path headerFile, Path bodyFile) throws IOException {
            this.header = new BufferedOutputStream(Files.newOutputStream(headerFile));
            this.body = new BufferedOutputStream(Files.newOutputStream(bodyFile));
        }

        @Override
        public void close() {
            try (header; body) {
                // closes both, even if one fails
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
