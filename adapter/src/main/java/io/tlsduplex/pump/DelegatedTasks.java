package io.tlsduplex.pump;

import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;

/**
 * Runs the engine's delegated tasks (certificate checks, key generation: the parts that may
 * block) on the task executor, never on the thread that runs the pump, which may be an event loop.
 * While they run the pump leaves the engine alone; when they finish it is signalled.
 */
final class DelegatedTasks {
    private final SSLEngine engine;
    private final Executor executor;
    private final Runnable onFinished;
    /** Set by the drain thread, cleared by the task thread. */
    private volatile boolean running;
    /** What a task threw; read by the drain thread. */
    private volatile Throwable error;

    DelegatedTasks(SSLEngine engine, Executor executor, Runnable onFinished) {
        this.engine = engine;
        this.executor = executor;
        this.onFinished = onFinished;
    }

    boolean running() {
        return running;
    }

    Throwable error() {
        return error;
    }

    /** Drain thread: starts running every pending task, unless a batch is running already. */
    void start() {
        if (running) {
            return;
        }
        running = true;
        executor.execute(() -> {
            try {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } catch (Throwable t) {
                error = t;
            } finally {
                running = false;
                onFinished.run();
            }
        });
    }

    /** Runs {@code action} now, or after the running batch if it still uses the engine. */
    void whenIdle(Runnable action) {
        if (running) {
            executor.execute(action);
        } else {
            action.run();
        }
    }
}
