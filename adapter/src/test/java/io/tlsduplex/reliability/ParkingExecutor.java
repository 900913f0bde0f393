package io.tlsduplex.reliability;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Schedulers;

/**
 * A task executor for the engine's delegated tasks that holds every task it gets, without running
 * it and without blocking any thread, until the test calls {@link #release()}: the window in which
 * "the stream is disposed while a delegated task runs" happens for sure.
 */
final class ParkingExecutor implements Executor {
    private final ArrayDeque<Runnable> parked = new ArrayDeque<>();
    private final CountDownLatch firstParked = new CountDownLatch(1);
    private final AtomicInteger ran = new AtomicInteger();
    private boolean released;

    @Override
    public void execute(Runnable task) {
        Runnable counted = () -> {
            try {
                task.run();
            } finally {
                ran.incrementAndGet();
            }
        };
        synchronized (this) {
            if (!released) {
                parked.add(counted);
                firstParked.countDown();
                return;
            }
        }
        Schedulers.boundedElastic().schedule(counted);
    }

    /** Latch the test waits on: a task is parked. */
    CountDownLatch firstParked() {
        return firstParked;
    }

    synchronized int parkedCount() {
        return parked.size();
    }

    int ran() {
        return ran.get();
    }

    /** Runs every parked task (off the caller's thread) and every later one at once. */
    void release() {
        ArrayDeque<Runnable> toRun;
        synchronized (this) {
            released = true;
            toRun = new ArrayDeque<>(parked);
            parked.clear();
        }
        toRun.forEach(t -> Schedulers.boundedElastic().schedule(t));
    }
}
