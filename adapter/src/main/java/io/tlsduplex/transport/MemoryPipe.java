package io.tlsduplex.transport;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction of the in-memory transport: the writer's pieces queue here until the reader asks
 * for a read. Writes complete at once while at most {@code capacity} bytes wait, later otherwise
 * (a slow consumer on the write side). Queue state is guarded by {@code lock}; listeners are always
 * called outside it, from one delivery loop at a time.
 */
final class MemoryPipe {
    private static final int MAX_PIECES_PER_READ = 16;

    private record PendingAck(long releaseAt, CiphertextTransport.WriteListener listener) { }

    private final Object lock = new Object();
    private final Chunking chunking;
    private final long capacity;
    private final Executor delivery;
    private final AtomicInteger wip = new AtomicInteger();
    /**
     * The pieces of one delivery, reused. Only the delivery loop touches it, and one thread at a
     * time runs that loop ({@code wip}); it is empty between deliveries.
     */
    private final List<ByteBuf> deliveryBatch = new ArrayList<>(MAX_PIECES_PER_READ);

    // Guarded by lock.
    private final ArrayDeque<ByteBuf> pieces = new ArrayDeque<>();
    private final ArrayDeque<PendingAck> pendingAcks = new ArrayDeque<>();
    private long written;
    private long consumed;
    private boolean readRequested;
    private boolean writerShutdown;
    private boolean eofDelivered;
    private boolean readerClosed;
    private Throwable injectedError;
    private CiphertextTransport.Listener reader;

    MemoryPipe(Chunking chunking, long capacity, Executor delivery) {
        this.chunking = chunking;
        this.capacity = capacity;
        this.delivery = delivery;
    }

    void attachReader(CiphertextTransport.Listener listener) {
        synchronized (lock) {
            reader = listener;
        }
        scheduleDelivery();
    }

    void write(ByteBuf data, CiphertextTransport.WriteListener done) {
        Throwable refusal = null;
        boolean ackNow = false;
        synchronized (lock) {
            if (readerClosed) {
                refusal = new IOException("connection reset by peer (in-memory pipe closed by the reader)");
            } else if (writerShutdown) {
                refusal = new IOException("write after shutdownOutput on the in-memory pipe");
            } else {
                int n = data.readableBytes();
                int size = n == 0 ? 0 : chunking.nextChunk(n);
                if (size == n && n > 0) {
                    pieces.add(data); // one piece: the buffer itself goes on, no slice
                    data = null;
                } else {
                    while (size > 0) {
                        pieces.add(data.readRetainedSlice(size));
                        size = data.isReadable() ? chunking.nextChunk(data.readableBytes()) : 0;
                    }
                }
                written += n;
                if (written - consumed <= capacity) {
                    ackNow = true;
                } else {
                    pendingAcks.add(new PendingAck(written - capacity, done));
                }
            }
        }
        if (data != null) {
            data.release();
        }
        if (refusal != null) {
            done.onWriteComplete(refusal);
            return;
        }
        if (ackNow) {
            done.onWriteComplete(null);
        }
        scheduleDelivery();
    }

    void requestRead() {
        synchronized (lock) {
            readRequested = true;
        }
        scheduleDelivery();
    }

    /** The writer will write no more: the reader gets EOF after what is queued. */
    void shutdownWriter() {
        synchronized (lock) {
            writerShutdown = true;
        }
        scheduleDelivery();
    }

    /** The reader is gone: queued pieces are dropped; writers waiting on them fail. */
    void closeReader() {
        List<PendingAck> failed;
        synchronized (lock) {
            readerClosed = true;
            ByteBuf b;
            while ((b = pieces.poll()) != null) {
                b.release();
            }
            failed = new ArrayList<>(pendingAcks);
            pendingAcks.clear();
        }
        IOException reset = new IOException("connection reset by peer (in-memory pipe closed by the reader)");
        failed.forEach(a -> a.listener().onWriteComplete(reset));
    }

    /** Fault injection: the reader's next event is this error. */
    void injectError(Throwable error) {
        synchronized (lock) {
            injectedError = error;
        }
        scheduleDelivery();
    }

    private void scheduleDelivery() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        if (delivery == null) {
            deliverLoop();
        } else {
            handOff();
        }
    }

    /**
     * Gives the delivery to the executor the user chose. A pooled executor's {@code execute} takes
     * its queue's lock, which BlockHound reports when the writing pump runs on a non-blocking thread;
     * that lock belongs to the user's executor, so only this call is allowed
     * ({@code TlsDuplexBlockHoundIntegration}), never the delivery itself.
     */
    private void handOff() {
        delivery.execute(this::deliverLoop);
    }

    private void deliverLoop() {
        int missed = 1;
        for (;;) {
            deliverOnce();
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void deliverOnce() {
        CiphertextTransport.Listener target;
        List<ByteBuf> batch = null;
        boolean eof = false;
        Throwable error = null;
        List<CiphertextTransport.WriteListener> acks = null;
        synchronized (lock) {
            target = reader;
            if (target == null || readerClosed || eofDelivered) {
                return;
            }
            if (injectedError != null) {
                error = injectedError;
                injectedError = null;
                eofDelivered = true;
            } else if (readRequested && !pieces.isEmpty()) {
                batch = deliveryBatch;
                while (!pieces.isEmpty() && batch.size() < MAX_PIECES_PER_READ) {
                    ByteBuf b = pieces.poll();
                    consumed += b.readableBytes();
                    batch.add(b);
                }
                readRequested = false;
                while (!pendingAcks.isEmpty() && pendingAcks.peek().releaseAt() <= consumed) {
                    if (acks == null) {
                        acks = new ArrayList<>();
                    }
                    acks.add(pendingAcks.poll().listener());
                }
            } else if (readRequested && writerShutdown) {
                eof = true;
                eofDelivered = true;
            }
        }
        if (error != null) {
            target.onError(error);
            return;
        }
        if (batch != null) {
            try {
                for (int i = 0; i < batch.size(); i++) {
                    target.onCiphertext(batch.get(i));
                }
            } finally {
                batch.clear();
            }
            target.onReadComplete();
            if (acks != null) {
                acks.forEach(a -> a.onWriteComplete(null));
            }
        } else if (eof) {
            target.onEof();
        }
    }
}
