package io.tlsduplex.cli.serve;

import io.tlsduplex.TlsStream;
import io.tlsduplex.cli.io.StreamBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a program per connection with the plaintext on its standard input and output, like the seed
 * stls engine: the read half feeds its stdin (closed at the peer's close), its stdout feeds the
 * write half, and the connection ends when the program has exited and its output is sent. Its
 * stderr goes to ours.
 */
final class ExecHandler implements ConnectionHandler {
    private final List<String> command;

    ExecHandler(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public Mono<Void> handle(TlsStream stream) {
        return Mono.using(this::start, process -> {
            TlsStream.Split halves = stream.split();
            Mono<Void> toProgram = StreamBytes.write(halves.reader().receive(), process.getOutputStream(),
                            Schedulers.boundedElastic())
                    .doFinally(s -> closeQuietly(process))
                    .onErrorResume(e -> Mono.empty()); // a program that stops reading is its own business
            Mono<Void> fromProgram = halves.writer().send(StreamBytes.read(process.getInputStream(), Schedulers.boundedElastic()))
                    .then(Mono.fromFuture(process.onExit()))
                    .then(halves.writer().finish());
            toProgram.subscribe();
            return fromProgram;
        }, Process::destroy)
                // starting a process blocks (fork/exec): never on the event loop that finished the handshake
                .subscribeOn(Schedulers.boundedElastic());
    }

    private Process start() {
        try {
            return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyGone) {
            // the program exited first
        }
    }
}
