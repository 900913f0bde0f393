package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Two bare {@link SSLEngine}s wired back to back on one thread, with no transport, no queues and
 * no reactive machinery: the most a TLS layer over these engines could ever do (the engine
 * ceiling). Buffers are heap for the JDK engine and direct for OpenSSL, as the adapter uses them.
 */
public final class EnginePair implements AutoCloseable {
    private static final int MAX_STEPS = 1000;

    private final SSLEngine client;
    private final SSLEngine server;
    private final boolean direct;
    private final ByteBuffer clientToServer;
    private final ByteBuffer serverToClient;
    private final ByteBuffer clientApp;
    private final ByteBuffer serverApp;
    private static final ByteBuffer[] EMPTY = {ByteBuffer.allocate(0)};

    /**
     * @param clientPort the port the client engine is told (its session cache key): the same port
     *                   each time lets the client resume, a new one forces a full handshake
     */
    public EnginePair(SslContext clientCtx, SslContext serverCtx, Engine engine, int clientPort) {
        this.client = clientCtx.newEngine(ByteBufAllocator.DEFAULT, "localhost", clientPort);
        this.server = serverCtx.newEngine(ByteBufAllocator.DEFAULT);
        this.direct = engine == Engine.OPENSSL;
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        // room for a whole burst of handshake records, or one 16 KiB application record
        clientToServer = allocate(4 * packet);
        serverToClient = allocate(4 * packet);
        clientApp = allocate(app + Payload.CHUNK);
        serverApp = allocate(app + Payload.CHUNK);
    }

    private ByteBuffer allocate(int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Runs the whole handshake, including TLS 1.3 session tickets, to quiescence. */
    public void handshake() throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            boolean moved = wrap(client, clientToServer);
            moved |= unwrap(server, clientToServer, serverApp);
            moved |= wrap(server, serverToClient);
            moved |= unwrap(client, serverToClient, clientApp);
            if (!moved && idle(client) && idle(server)) {
                return;
            }
        }
        throw new SSLException("handshake did not finish in " + MAX_STEPS + " steps: client "
                + client.getHandshakeStatus() + ", server " + server.getHandshakeStatus());
    }

    private static boolean idle(SSLEngine e) {
        HandshakeStatus hs = e.getHandshakeStatus();
        return hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED;
    }

    /** Wraps until the engine has nothing more to send (OpenSSL engines may not say NEED_WRAP first). */
    private static boolean wrap(SSLEngine e, ByteBuffer net) throws SSLException {
        boolean moved = false;
        for (int i = 0; i < MAX_STEPS; i++) {
            SSLEngineResult r = e.wrap(EMPTY, net);
            runTasks(e);
            if (r.bytesProduced() == 0 && e.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                break;
            }
            moved |= r.bytesProduced() > 0;
            if (r.bytesProduced() == 0 && r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
        }
        return moved;
    }

    private static boolean unwrap(SSLEngine e, ByteBuffer net, ByteBuffer app) throws SSLException {
        net.flip();
        boolean moved = false;
        try {
            while (net.hasRemaining()) {
                SSLEngineResult r = e.unwrap(net, app);
                runTasks(e);
                app.clear();
                if (r.bytesConsumed() == 0) {
                    break;
                }
                moved = true;
            }
        } finally {
            net.compact();
        }
        return moved;
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Client wraps {@code records} records of {@code plaintext}, server unwraps each, always into the
     * same two buffers (hot in the CPU's caches); returns plaintext bytes.
     */
    public long transfer(ByteBuffer plaintext, int records) throws SSLException {
        long delivered = 0;
        for (int i = 0; i < records; i++) {
            delivered += transferOne(plaintext, clientToServer, serverApp);
        }
        return delivered;
    }

    /**
     * The same, but each record is wrapped into a new ciphertext buffer and unwrapped into a new
     * plaintext buffer from {@code alloc}, both released after the record, as a TLS layer that hands
     * its buffers on (the adapter, Netty's SslHandler) has to. The difference to {@link #transfer}
     * is what fresh memory per record costs with this engine.
     */
    public long transferFresh(ByteBuffer plaintext, int records, ByteBufAllocator alloc) throws SSLException {
        int packet = client.getSession().getPacketBufferSize();
        int app = server.getSession().getApplicationBufferSize();
        long delivered = 0;
        for (int i = 0; i < records; i++) {
            ByteBuf net = direct ? alloc.directBuffer(packet) : alloc.heapBuffer(packet);
            ByteBuf out = direct ? alloc.directBuffer(app) : alloc.heapBuffer(app);
            try {
                delivered += transferOne(plaintext, net.internalNioBuffer(0, packet), out.internalNioBuffer(0, app));
            } finally {
                net.release();
                out.release();
            }
        }
        return delivered;
    }

    private long transferOne(ByteBuffer plaintext, ByteBuffer net, ByteBuffer app) throws SSLException {
        ByteBuffer src = plaintext.duplicate();
        net.clear();
        SSLEngineResult w = client.wrap(src, net);
        if (w.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("wrap: " + w);
        }
        net.flip();
        app.clear();
        SSLEngineResult u = server.unwrap(net, app);
        if (u.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("unwrap: " + u);
        }
        return u.bytesProduced();
    }

    public SSLEngine clientEngine() {
        return client;
    }

    @Override
    public void close() {
        ReferenceCountUtil.release(client);
        ReferenceCountUtil.release(server);
    }
}
