package io.tlsduplex.cli;

import io.tlsduplex.cli.connect.ConnectCommand;
import io.tlsduplex.cli.demo.DemoCommand;
import io.tlsduplex.cli.fetch.FetchCommand;
import io.tlsduplex.cli.logs.LogFanoutCommand;
import io.tlsduplex.cli.logs.LogFollowCommand;
import io.tlsduplex.cli.serve.ServeCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tls-duplex} command: a TLS tool built on the tls-duplex adapter's public API only. */
@Command(name = "tls-duplex", mixinStandardHelpOptions = true, version = "tls-duplex 0.1.0",
        description = "TLS with independent read and write halves: a demo of the classic hazards, "
                + "a client, a server, an HTTPS fetcher and a syslog relay.",
        subcommands = {DemoCommand.class, ConnectCommand.class, ServeCommand.class, FetchCommand.class,
                LogFanoutCommand.class, LogFollowCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    private final Streams io;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public Main(Streams io) {
        this.io = io;
    }

    /** The streams every subcommand uses (reached through {@code @ParentCommand}). */
    public Streams io() {
        return io;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed");
    }

    public static void main(String[] args) {
        preferNioTransport();
        System.exit(execute(Streams.system(), args));
    }

    /**
     * The tool runs reactor-netty on NIO unless told otherwise ({@code -Dreactor.netty.native=true}):
     * with Netty 4.2.18's native epoll we saw about one demo run in six fail its first connection with
     * {@code epoll_ctl(..) failed with error(-2)} on a live channel's first EPOLLOUT, and none in 29
     * runs on NIO (docs/architecture.md, "Known issues"). Must run before reactor-netty loads.
     */
    static void preferNioTransport() {
        if (System.getProperty("reactor.netty.native") == null) {
            System.setProperty("reactor.netty.native", "false");
        }
    }

    /** Runs one command line with {@code io} as its standard streams; returns the exit status. */
    public static int execute(Streams io, String... args) {
        CommandLine cli = new CommandLine(new Main(io));
        cli.setOut(new PrintWriter(io.out(), true));
        cli.setErr(new PrintWriter(io.err(), true));
        cli.setExecutionExceptionHandler(new ErrorReporter(io));
        return cli.execute(args);
    }
}
