package io.tlsduplex.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Exchange;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.JdkEchoServer;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/** The adapter over reactor-netty TCP on loopback, against peers we did not write. */
class PeerInteropTest {
    private static final TestPki PKI = TestPki.shared();
    private static final long SIZE = 4L << 20;

    private static TlsOptions client(String protocol) {
        return TlsOptions.client(PKI.clientContext()).serverName("localhost").protocols(protocol).build();
    }

    private static TlsOptions server(String protocol) {
        return TlsOptions.server(PKI.serverContext()).protocols(protocol).build();
    }

    private static Payload.Digest echoThrough(TlsStream tls, Payload payload) {
        try {
            return Hang.await(Exchange.echo(tls, payload), Duration.ofSeconds(60), tls::describe);
        } finally {
            tls.dispose();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void adapterClientAndAdapterServerEchoFourMebibytesOverLoopback(String protocol) {
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(server(protocol), tls -> tls.writer().send(tls.reader().receive())
                        .then(tls.writer().finish())))
                .bindNow();
        try {
            TlsStream tls = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), client(protocol))
                    .block(Duration.ofSeconds(10));
            Payload p = Payload.of(11, SIZE);
            assertThat(echoThrough(tls, p)).isEqualTo(new Payload.Digest(p.sha256(), SIZE));
        } finally {
            server.disposeNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JDK", "OPENSSL"})
    void adapterClientEchoesThroughNettySslHandlerServer(SslProvider provider) {
        DisposableServer server = TcpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(PKI.nettyServerContext(provider)))
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow();
        try {
            TlsStream tls = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), client("TLSv1.3"))
                    .block(Duration.ofSeconds(10));
            Payload p = Payload.of(12, SIZE);
            assertThat(echoThrough(tls, p)).isEqualTo(new Payload.Digest(p.sha256(), SIZE));
        } finally {
            server.disposeNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JDK", "OPENSSL"})
    void nettySslHandlerClientEchoesThroughAdapterServer(SslProvider provider) {
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(server("TLSv1.3"), tls -> tls.writer().send(tls.reader().receive())
                        .then(tls.writer().finish())))
                .bindNow();
        try {
            Payload p = Payload.of(13, SIZE);
            Mono<Payload.Digest> echoed = TcpClient.create().host("127.0.0.1").port(server.port())
                    .secure(spec -> spec.sslContext(PKI.nettyClientContext(provider)))
                    .connect()
                    .flatMap(conn -> {
                        conn.outbound().send(p.buffers()).then().subscribe();
                        return Payload.digestOf(conn.inbound().receive().retain().take(p.size() == 0 ? 0 : Long.MAX_VALUE)
                                        .takeUntil(new java.util.function.Predicate<>() {
                                            long seen;

                                            @Override
                                            public boolean test(io.netty.buffer.ByteBuf b) {
                                                seen += b.readableBytes();
                                                return seen >= p.size();
                                            }
                                        }))
                                .doFinally(s -> conn.dispose());
                    });
            assertThat(Hang.await(echoed, Duration.ofSeconds(60), () -> "netty client"))
                    .isEqualTo(new Payload.Digest(p.sha256(), SIZE));
        } finally {
            server.disposeNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void adapterClientEchoesThroughJdkSslServerSocket(String protocol) throws Exception {
        try (JdkEchoServer server = new JdkEchoServer(PKI.serverContext(), protocol)) {
            TlsStream tls = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), client(protocol))
                    .block(Duration.ofSeconds(10));
            Payload p = Payload.of(14, SIZE);
            assertThat(echoThrough(tls, p)).isEqualTo(new Payload.Digest(p.sha256(), SIZE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void adapterClientOnTheOpenSslEngineEchoesThroughJdkSslServerSocket(String protocol) throws Exception {
        TlsOptions openSslClient = TlsOptions.of(PKI.nettyClientContext(SslProvider.OPENSSL))
                .serverName("localhost").protocols(protocol).build();
        try (JdkEchoServer server = new JdkEchoServer(PKI.serverContext(), protocol)) {
            TlsStream tls = TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(server.port()), openSslClient)
                    .block(Duration.ofSeconds(10));
            Payload p = Payload.of(16, SIZE);
            assertThat(echoThrough(tls, p)).isEqualTo(new Payload.Digest(p.sha256(), SIZE));
            assertThat(tls.handshake().block(Duration.ofSeconds(5)).protocol()).isEqualTo(protocol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void jdkSslSocketClientEchoesThroughAdapterServer(String protocol) throws Exception {
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(server(protocol), tls -> tls.writer().send(tls.reader().receive())
                        .then(tls.writer().finish())))
                .bindNow();
        Payload p = Payload.of(15, SIZE);
        byte[] data = p.bytes();
        try (SSLSocket socket = (SSLSocket) PKI.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setEnabledProtocols(new String[]{protocol});
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(data);
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[32 * 1024];
            long total = 0;
            while (total < data.length) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sha.update(buf, 0, n);
                total += n;
            }
            writer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(new Payload.Digest(HexFormat.of().formatHex(sha.digest()), total))
                    .isEqualTo(new Payload.Digest(p.sha256(), SIZE));
        } finally {
            server.disposeNow();
        }
    }
}
