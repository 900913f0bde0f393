package io.tlsduplex.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.Exchange;
import io.tlsduplex.testing.Hang;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * STARTTLS: a plaintext line exchange on a reactor-netty connection, then TLS on the same
 * connection with {@link TlsTcp#upgrade}. The plaintext phase uses a one-line Netty handler that
 * leaves the pipeline as soon as it has its line, so no byte of the TLS phase can be taken by a
 * plaintext reader; the server puts TLS on before it sends the go-ahead for the same reason.
 */
class StartTlsTest {

    /** Reads one plaintext line straight off the channel, then steps out of the pipeline. */
    private static Mono<String> readLine(Channel channel) {
        Sinks.One<String> line = Sinks.one();
        channel.pipeline().addFirst("plaintext-line", new ChannelInboundHandlerAdapter() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    text.append(buf.toString(StandardCharsets.US_ASCII));
                } finally {
                    buf.release();
                }
                if (text.indexOf("\n") >= 0) {
                    ctx.pipeline().remove(this);
                    line.tryEmitValue(text.toString());
                }
            }
        });
        channel.config().setAutoRead(true);
        channel.read();
        return line.asMono();
    }

    private static void writeLine(Channel channel, String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void plaintextGreetingThenTlsOnTheSameConnectionCarriesAnEchoIntact() {
        // made here, not on an event loop: key generation reads the entropy pool (BlockHound knows)
        var serverOptions = MemoryTls.serverOptions("TLSv1.3").build();
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle((in, out) -> {
                    Connection[] conn = new Connection[1];
                    in.withConnection(c -> conn[0] = c);
                    return readLine(conn[0].channel())
                            .filter("STARTTLS\n"::equals)
                            .flatMap(line -> {
                                // TLS goes on before the go-ahead: the ClientHello may follow at once
                                TlsStream tls = TlsTcp.upgrade(conn[0], serverOptions);
                                writeLine(conn[0].channel(), "GO\n");
                                return tls.writer().send(tls.reader().receive())
                                        .then(tls.writer().finish())
                                        .then(tls.onClose());
                            });
                })
                .bindNow();
        try {
            Connection conn = TlsTcp.configure(TcpClient.create().host("127.0.0.1").port(server.port()))
                    .connectNow(Duration.ofSeconds(10));
            Mono<String> go = readLine(conn.channel());
            writeLine(conn.channel(), "STARTTLS\n");
            assertThat(go.block(Duration.ofSeconds(10))).isEqualTo("GO\n");
            TlsStream tls = TlsTcp.upgrade(conn, MemoryTls.clientOptions("TLSv1.3").build());
            try {
                Payload p = Payload.of(31, 1 << 20);
                assertThat(Hang.await(Exchange.echo(tls, p), Duration.ofSeconds(60), tls::describe))
                        .isEqualTo(new Payload.Digest(p.sha256(), p.size()));
            } finally {
                tls.dispose();
            }
        } finally {
            server.disposeNow();
        }
    }
}
