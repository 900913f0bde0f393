package io.tlsduplex.cli.io;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A scheduler of one daemon thread that may block (stdin, stdout, a datagram socket). Not
 * {@code Schedulers.newSingle}: Reactor marks those threads non-blocking, and rightly refuses
 * blocking calls on them.
 */
public final class BlockingThread {
    private BlockingThread() {
    }

    public static Scheduler named(String name) {
        // scheduled: so that timed work (a progress ticker) can run on it too
        ExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-duplex-" + name);
            t.setDaemon(true);
            return t;
        });
        return Schedulers.fromExecutorService(executor, name);
    }
}
