package io.tlsduplex.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.tlsduplex.transport.CiphertextTransport;
import io.tlsduplex.transport.TransportThread;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import reactor.util.concurrent.Queues;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * A reactor-netty {@link Connection} as the ciphertext transport. It adds one handler to the
 * pipeline (before reactor-netty's bridge, so reactor-netty's own inbound never sees ciphertext),
 * turns auto-read off, and maps the pump's {@link #read()} to {@code Channel.read()}: Netty reads
 * only when the pump asks (up to {@link #READS_PER_REQUEST} socket reads while data keeps coming),
 * which is how read-half demand reaches the socket.
 *
 * <p>Threading: Netty calls the handler on the channel's event loop; {@link #write} and
 * {@link #read()} may be called from any thread (Netty hands them to the event loop in order).
 */
public final class NettyTransport implements CiphertextTransport {
    static final String HANDLER_NAME = "tls-duplex.ciphertext";
    /**
     * Socket reads one read request of the pump may make while each read fills its buffer
     * ({@link ReadBatches}). Measured (docs/benchmarks.md): one read per request left OpenSSL bulk
     * both ways about 10% behind four, because every read cost the event loop a round of its own.
     */
    static final int READS_PER_REQUEST = 4;

    private final Connection connection;
    private final Channel channel;
    private final AtomicBoolean eofSent = new AtomicBoolean();
    private record PendingWrite(ByteBuf ciphertext, WriteListener done) { }
    private static final AtomicIntegerFieldUpdater<NettyTransport> FLUSH_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(NettyTransport.class, "flushScheduled");
    /** Writes in the pump's order, until the event loop hands them to the channel. */
    private final Queue<PendingWrite> pending = Queues.<PendingWrite>unboundedMultiproducer().get();
    /** 1 while a flush task is queued on the event loop. */
    private volatile int flushScheduled;
    private volatile Listener listener;

    public NettyTransport(Connection connection) {
        this.connection = connection;
        this.channel = connection.channel();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public String peerHost() {
        SocketAddress remote = channel.remoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getHostString() : null;
    }

    @Override
    public int peerPort() {
        SocketAddress remote = channel.remoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /** The channel's event loop: the pump runs where Netty calls the handler and writes go out. */
    @Override
    public TransportThread thread() {
        EventLoop loop = channel.eventLoop();
        return new TransportThread() {
            @Override
            public void execute(Runnable command) {
                loop.execute(command);
            }

            @Override
            public boolean isCurrent() {
                return loop.inEventLoop();
            }
        };
    }

    /** Direct ciphertext goes to the socket as is; heap ciphertext would be copied on the loop. */
    @Override
    public boolean prefersDirectBuffers() {
        return true;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        channel.config().setAutoRead(false);
        RecvByteBufAllocator configured = channel.config().getRecvByteBufAllocator();
        if (!(configured instanceof ReadBatches)) { // a second TLS session on this channel keeps the first's
            channel.config().setRecvByteBufAllocator(new ReadBatches(configured, READS_PER_REQUEST));
        }
        // Right before reactor-netty's bridge, whatever state its inbound is in (Connection's
        // addHandlerLast may place a handler after the bridge once the inbound is subscribed).
        if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
            channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, HANDLER_NAME, new CiphertextHandler());
        } else {
            channel.pipeline().addLast(HANDLER_NAME, new CiphertextHandler());
        }
        if (!channel.isActive()) {
            onEof();
        }
    }

    /**
     * On the loop, and only while the channel is open: Netty 4.2's epoll channel asks epoll for
     * read interest even on a closed channel, which fails with {@code epoll_ctl ... ENOENT} (seen when
     * the peer closed between the pump's decision to read and the read).
     */
    @Override
    public void read() {
        if (channel.eventLoop().inEventLoop()) {
            readIfOpen();
        } else {
            channel.eventLoop().execute(this::readIfOpen);
        }
    }

    private void readIfOpen() {
        if (channel.isActive()) {
            channel.read();
        } else {
            onEof();
        }
    }

    /**
     * Writes keep the pump's order even though the pump runs on many threads: Netty executes a
     * write from the event loop at once but queues one from elsewhere, so mixing the two lets a
     * later record overtake an earlier one (seen as "Tag mismatch" / bad_record_mac at the peer).
     * A write from another thread goes through {@code pending}, which one flush task on the loop
     * drains in order; a write on the loop goes straight out only while nothing is pending (so
     * nothing queued earlier can be overtaken), and is flushed at once.
     */
    @Override
    public void write(ByteBuf ciphertext, WriteListener done) {
        if (pending.isEmpty() && channel.eventLoop().inEventLoop()) {
            // The pump runs here (its usual place). Flushing each batch (up to four records) keeps
            // the socket busy while the pump wraps the next one; flushing once per pump run sent
            // the whole write window in one writev (262 KB on average, strace) and left the
            // reader idle in between (docs/benchmarks.md).
            channel.writeAndFlush(ciphertext).addListener(f -> done.onWriteComplete(f.cause()));
            return;
        }
        pending.offer(new PendingWrite(ciphertext, done));
        if (FLUSH_SCHEDULED.compareAndSet(this, 0, 1)) {
            channel.eventLoop().execute(this::flushPending);
        }
    }

    private void flushPending() {
        flushScheduled = 0;
        PendingWrite w;
        boolean any = false;
        while ((w = pending.poll()) != null) {
            WriteListener done = w.done();
            channel.write(w.ciphertext()).addListener(f -> done.onWriteComplete(f.cause()));
            any = true;
        }
        if (any) {
            channel.flush();
        }
    }

    /** After every write queued before it (the last of them may be our close_notify). */
    @Override
    public void shutdownOutput() {
        channel.eventLoop().execute(() -> {
            flushPending();
            if (channel instanceof DuplexChannel duplex && channel.isActive() && !duplex.isOutputShutdown()) {
                duplex.shutdownOutput();
            }
        });
    }

    /** After every write queued before it (the last of them may be an alert or close_notify). */
    @Override
    public void close() {
        channel.eventLoop().execute(() -> {
            flushPending();
            channel.close();
        });
    }

    private void onEof() {
        if (eofSent.compareAndSet(false, true)) {
            listener.onEof();
        }
    }

    /** The pipeline end of the transport: ciphertext and EOF go to the pump, nothing further. */
    private final class CiphertextHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                listener.onCiphertext(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            listener.onReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                onEof();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onEof();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            listener.onError(cause);
        }
    }
}
