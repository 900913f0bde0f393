package io.tlsduplex.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A blocking JDK {@code SSLServerSocket} echo peer on loopback (a peer we did not write): one
 * thread per connection echoes until EOF / close_notify, then closes.
 */
public final class JdkEchoServer implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread acceptor;

    public JdkEchoServer(SSLContext context, String... protocols) throws IOException {
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (protocols.length > 0) {
            server.setEnabledProtocols(protocols);
        }
        acceptor = new Thread(this::acceptLoop, "jdk-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> echo(s), "jdk-echo-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[32 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException peerGone) {
            // the test decides what a broken connection means
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
