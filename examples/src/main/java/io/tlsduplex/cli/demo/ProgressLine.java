package io.tlsduplex.cli.demo;

import io.tlsduplex.cli.io.BlockingThread;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/** A line rewritten in place a few times a second, on terminals only (never into a pipe or a file). */
final class ProgressLine implements AutoCloseable {
    private static final int WIDTH = 100;
    private final PrintStream out;
    private final Scheduler thread = BlockingThread.named("progress");
    private final Disposable ticker;

    private ProgressLine(PrintStream out, Supplier<String> text) {
        this.out = out;
        // a terminal write may block: its own thread, not Reactor's non-blocking ones
        this.ticker = Flux.interval(Duration.ofMillis(200), Duration.ofMillis(250), thread)
                .subscribe(i -> draw(text.get()));
    }

    static AutoCloseable start(boolean terminal, PrintStream out, Supplier<String> text) {
        return terminal ? new ProgressLine(out, text) : () -> { };
    }

    private synchronized void draw(String text) {
        String line = text.length() > WIDTH ? text.substring(0, WIDTH) : text;
        out.print("\r" + line + " ".repeat(WIDTH - line.length()) + "\r");
        out.flush();
    }

    @Override
    public synchronized void close() {
        ticker.dispose();
        thread.dispose();
        out.print("\r" + " ".repeat(WIDTH) + "\r");
        out.flush();
    }
}
