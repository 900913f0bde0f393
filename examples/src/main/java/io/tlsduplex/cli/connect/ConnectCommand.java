package io.tlsduplex.cli.connect;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.cli.Failures;
import io.tlsduplex.cli.HostPort;
import io.tlsduplex.cli.Main;
import io.tlsduplex.cli.Net;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.cli.io.BlockingThread;
import io.tlsduplex.cli.io.StreamBytes;
import io.tlsduplex.cli.tls.TlsEndOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code tls-duplex connect HOST:PORT}: standard input to the write half, the read half to standard
 * output, each direction on its own. End of input finishes the write half; the peer's close ends
 * the command.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connects to a TLS server: standard input goes to the server, what the server sends goes to",
                "standard output, each direction on its own (like openssl s_client -quiet). End of input",
                "finishes our side (per --close-mode); the command ends when the server closes."})
public final class ConnectCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server.")
    private String target;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
    private double connectTimeoutSeconds;

    @Option(names = {"-q", "--quiet"}, description = "No session line on standard error.")
    private boolean quiet;

    @Mixin
    private TlsEndOptions tls;

    @Override
    public Integer call() {
        Streams io = main.io();
        HostPort server = HostPort.parse("HOST:PORT", target);
        TlsOptions options = tls.client(server.host(), io);
        Net.Connected connected = Net.connect(server, options, Duration.ofMillis((long) (connectTimeoutSeconds * 1000))).block();
        TlsStream stream = connected.stream();
        Scheduler stdin = BlockingThread.named("stdin");
        Scheduler stdout = BlockingThread.named("stdout");
        try {
            if (!quiet) {
                io.err().println("connected to " + server + ": " + Net.describe(connected.session()));
            }
            TlsStream.Split halves = stream.split();
            // The write half on its own: input may stay idle for ever while the server talks.
            Disposable writing = halves.writer().send(StreamBytes.read(io.in(), stdin))
                    .then(halves.writer().finish())
                    .subscribe(done -> { }, error -> { /* the read half reports the stream's error */ });
            try {
                StreamBytes.write(halves.reader().receive(), io.out(), stdout).block();
            } finally {
                writing.dispose();
            }
            // The server closed: say goodbye properly if our side is still open (TLS 1.3 half-close).
            halves.writer().finish().timeout(Duration.ofSeconds(2)).onErrorResume(e -> Mono.empty()).block();
            return 0;
        } catch (RuntimeException e) {
            io.err().println("tls-duplex connect: error: " + Failures.describe(e));
            return 1;
        } finally {
            stream.dispose();
            stdin.dispose();
            stdout.dispose();
        }
    }
}
