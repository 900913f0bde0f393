package io.tlsduplex.bench.support;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The JDK's blocking {@code SSLSocket}, one reader thread per socket: what a user without a
 * reactive stack would write. Sends run on a bounded-elastic thread so both directions can flow.
 */
public final class SslSocketStack implements Stack {
    private final SSLServerSocket serverSocket;
    private final SSLContext clientCtx;
    private final Suite suite;
    private final boolean echo;
    private final Accepted<SocketEnd> accepted = new Accepted<>();
    private final List<SocketEnd> ends = new ArrayList<>();
    private final Thread acceptor;
    private SocketEnd lastServer;

    public SslSocketStack(Suite suite, boolean echo) {
        this.suite = suite;
        this.echo = echo;
        this.clientCtx = Pki.jdkClient(Pki.KeyType.EC);
        try {
            serverSocket = (SSLServerSocket) Pki.jdkServer(Pki.KeyType.EC).getServerSocketFactory()
                    .createServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        serverSocket.setEnabledProtocols(new String[] {suite.protocol()});
        serverSocket.setEnabledCipherSuites(new String[] {suite.cipher()});
        acceptor = new Thread(this::acceptLoop, "sslsocket-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) serverSocket.accept();
                s.setTcpNoDelay(true);
                s.startHandshake();
                accepted.add(new SocketEnd(s, echo));
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public synchronized End connect() {
        try {
            SSLSocket s = (SSLSocket) clientCtx.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort());
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {suite.protocol()});
            p.setCipherSuites(new String[] {suite.cipher()});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setTcpNoDelay(true);
            s.startHandshake();
            SocketEnd end = new SocketEnd(s, false);
            ends.add(end);
            lastServer = accepted.next();
            ends.add(lastServer);
            return end;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized End lastAccepted() {
        return lastServer;
    }

    @Override
    public synchronized void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        ends.forEach(SocketEnd::close);
        ends.clear();
    }

    private static final class SocketEnd implements End {
        private final SSLSocket socket;
        private final OutputStream out;
        private final ByteCounter counter = new ByteCounter();

        SocketEnd(SSLSocket socket, boolean echo) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[Payload.CHUNK];
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (echo) {
                            synchronized (out) {
                                out.write(buf, 0, n);
                            }
                        } else {
                            counter.add(n);
                        }
                    }
                } catch (IOException e) {
                    counter.fail(e);
                }
            }, "sslsocket-reader");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public Mono<Void> send(Publisher<ByteBuf> data) {
            return Flux.from(data).doOnNext(this::write).then().subscribeOn(Schedulers.boundedElastic());
        }

        private void write(ByteBuf b) {
            try {
                synchronized (out) {
                    b.readBytes(out, b.readableBytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                b.release();
            }
        }

        @Override
        public ByteCounter received() {
            return counter;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
