package io.tlsduplex.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsStream;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/** The README's usage example, as written there, against a local server that answers a GET. */
class ReadmeExampleTest {

    @Test
    void readmeUsageExampleRunsAsWritten() {
        TlsOptions serverOptions = TlsOptions.server(TestPki.shared().serverContext()).build();
        DisposableServer server = TlsTcp.configure(TcpServer.create().host("127.0.0.1").port(0))
                .handle(TlsTcp.serve(serverOptions, tls -> tls.reader().receiveString(UTF_8)
                        .takeUntil(s -> s.contains("\r\n\r\n"))
                        .then(tls.writer().sendString(Flux.just("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"), UTF_8))
                        .then(tls.writer().finish())))
                .bindNow();
        ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
        try {
            SSLContext ctx = TestPki.shared().clientContext();
            int port = server.port();
            // --- README example, with example.org -> localhost and System.out -> printed ---
            TlsOptions options = TlsOptions.client(ctx).serverName("localhost").build();

            TlsTcp.connect(TcpClient.create().host("127.0.0.1").port(port), options)
                    .flatMap(tls -> {
                        TlsStream.Split halves = tls.split();
                        Mono<Void> reading = halves.reader().receiveString(UTF_8)   // read half: its own subscriber
                                .publishOn(Schedulers.boundedElastic())
                                .doOnNext(printed::add)
                                .then();
                        Mono<Void> writing = halves.writer()                        // write half: another one
                                .sendString(Flux.just("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), UTF_8)
                                .then(halves.writer().finish());                    // close_notify, read half goes on
                        return Mono.when(reading, writing);
                    })
                    .block(Duration.ofSeconds(30));
            // --- end of the README example ---
            assertThat(String.join("", printed)).startsWith("HTTP/1.1 200 OK").endsWith("hi");
        } finally {
            server.disposeNow();
        }
    }
}
