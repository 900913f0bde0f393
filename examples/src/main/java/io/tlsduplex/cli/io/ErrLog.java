package io.tlsduplex.cli.io;

import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lines for standard error written from event-loop threads: the write itself (a blocking file
 * write) happens on a thread of its own, in the order the lines were logged.
 */
public final class ErrLog implements AutoCloseable {
    private final PrintStream err;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tls-duplex-stderr");
        t.setDaemon(true);
        return t;
    });

    public ErrLog(PrintStream err) {
        this.err = err;
    }

    public void line(String text) {
        try {
            thread.execute(() -> err.println(text));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // logged after close (a connection torn down with the server): nowhere to go
        }
    }

    /** Writes what is queued (for up to a second), then stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
