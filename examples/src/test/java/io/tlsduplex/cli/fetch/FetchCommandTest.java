package io.tlsduplex.cli.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tlsduplex.cli.Cli;
import io.tlsduplex.cli.PemDir;
import io.tlsduplex.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetch} against the JDK's own HTTPS server on loopback: fixed-length, chunked and large bodies. */
class FetchCommandTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final byte[] BIG = new byte[3 << 20];

    @TempDir
    static Path pem;
    private static HttpsServer server;
    private static ExecutorService handlers;
    private static String base;

    @BeforeAll
    static void startServer() throws IOException {
        PemDir.write(TestPki.shared(), pem);
        new SplittableRandom(7).nextBytes(BIG);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(TestPki.shared().serverContext()));
        server.createContext("/hello", exchange -> {
            byte[] body = "hello, fetch\n".getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().add("X-Test", "fixed");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0); // 0: chunked transfer encoding
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, BIG.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BIG);
            }
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        handlers = Executors.newFixedThreadPool(4);
        server.setExecutor(handlers);
        server.start();
        base = "https://localhost:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void fetchWritesEachResponsesHeaderAndBodyAndPrintsATable(@TempDir Path out) throws IOException {
        Cli.Run run = fetch("-o", out.toString(), "--ca", pem.resolve("ca.pem").toString(),
                base + "/hello", base + "/chunked", base + "/big", base + "/missing");

        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(Files.readString(out.resolve("1-localhost.header"))).startsWith("HTTP/1.1 200").contains("X-test: fixed");
        assertThat(Files.readString(out.resolve("1-localhost.body"))).isEqualTo("hello, fetch\n");
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            chunks.append("chunk ").append(i).append('\n');
        }
        assertThat(Files.readString(out.resolve("2-localhost.header"))).containsIgnoringCase("transfer-encoding: chunked");
        assertThat(Files.readString(out.resolve("2-localhost.body"))).isEqualTo(chunks.toString());
        assertThat(Files.readAllBytes(out.resolve("3-localhost.body"))).isEqualTo(BIG);
        assertThat(Files.readString(out.resolve("4-localhost.header"))).startsWith("HTTP/1.1 404");
        assertThat(run.out()).contains("4 of 4 fetched")
                .containsPattern("1\\s+200\\s+13\\s")
                .containsPattern("3\\s+200\\s+" + BIG.length + "\\s")
                .containsPattern("4\\s+404\\s+0\\s");
    }

    @Test
    void fetchWithoutTheCaReportsTheUntrustedCertificateAndExitsNonZero(@TempDir Path out) {
        Cli.Run run = fetch("-o", out.toString(), base + "/hello");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED").contains("PKIX path building failed").contains("0 of 1 fetched");
    }

    @Test
    void fetchUnderAServerNameTheCertificateDoesNotCoverFailsVerification(@TempDir Path out) {
        Cli.Run run = fetch("-o", out.toString(), "--ca", pem.resolve("ca.pem").toString(),
                "--servername", "wrong.example", base + "/hello");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("0 of 1 fetched").contains("FAILED").contains("wrong.example");
    }

    @Test
    void fetchRefusesAPlainHttpUrlBeforeConnecting(@TempDir Path out) {
        Cli.Run run = fetch("-o", out.toString(), "http://localhost:1/");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("is not an https://HOST/... URL");
    }

    private static Cli.Run fetch(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "fetch";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.runWithin(LIMIT, new ByteArrayInputStream(new byte[0]), all);
    }
}
