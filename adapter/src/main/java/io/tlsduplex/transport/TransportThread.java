package io.tlsduplex.transport;

import java.util.concurrent.Executor;

/**
 * The thread a transport lives on, such as a Netty channel's event loop. A pump over such a
 * transport runs there: a signal from another thread (a send, read demand, a timer, a finished
 * delegated task) is handed to it, so the engine, the buffers and the transport are used by one
 * thread, as Netty's own handlers are.
 */
public interface TransportThread extends Executor {

    /** Whether the calling thread is this one. */
    boolean isCurrent();
}
