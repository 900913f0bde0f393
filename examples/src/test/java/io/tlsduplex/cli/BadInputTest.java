package io.tlsduplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when something is wrong: one clear line on stderr and a non-zero status
 * (2: input to fix, 1: failure on the way). The network cases run against our own {@code serve}.
 */
class BadInputTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path pem;
    private static Cli.Running server13;
    private static int port13;

    @BeforeAll
    static void startServer() {
        PemDir.write(TestPki.shared(), pem);
        server13 = Cli.start(new TestInput(), "serve", "0", "--echo", "--tls1.3",
                "--cert", file("server.pem"), "--key", file("server-key.pem"));
        port13 = server13.listeningPort();
    }

    @AfterAll
    static void stopServer() {
        server13.close();
    }

    private static String file(String name) {
        return pem.resolve(name).toString();
    }

    private static Cli.Run connect(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "connect";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.runWithin(LIMIT, new ByteArrayInputStream("ping\n".getBytes(StandardCharsets.US_ASCII)), all);
    }

    @Test
    void aMissingCertificateFileIsNamedAndExitsTwo() {
        Cli.Run run = Cli.run("serve", "0", "--echo", "--cert", file("nope.pem"), "--key", file("server-key.pem"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--cert " + file("nope.pem") + ": no such file");
    }

    @Test
    void aMalformedPemFileIsNamedAndExitsTwo() throws IOException {
        Path bad = pem.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nthis is not base64 at all!\n-----END CERTIFICATE-----\n");

        Cli.Run run = connect("127.0.0.1:" + port13, "--ca", bad.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--ca " + bad).contains("malformed PEM");
    }

    @Test
    void aKeyGivenWhereACertificateIsExpectedIsNamedAndExitsTwo() {
        Cli.Run run = connect("127.0.0.1:" + port13, "--ca", file("server-key.pem"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--ca " + file("server-key.pem") + ": no certificate in it");
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedBeforeListening() {
        Cli.Run run = Cli.run("serve", "0", "--echo", "--cert", file("server.pem"), "--key", file("client-key.pem"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("does not belong to the certificate");
    }

    @Test
    void anUnreachablePortIsAConnectionFailureWithStatusOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        Cli.Run run = connect("127.0.0.1:" + closed, "--ca", file("ca.pem"));

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("cannot connect to 127.0.0.1:" + closed).containsIgnoringCase("refused");
    }

    @Test
    void anUntrustedServerCertificateFailsTheHandshakeWithStatusOne() {
        Cli.Run run = connect("127.0.0.1:" + port13); // the platform's trust store does not know our CA

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("TLS handshake with 127.0.0.1:" + port13 + " failed").contains("PKIX path");
    }

    @Test
    void aServerNameTheCertificateDoesNotCoverFailsTheHandshake() {
        Cli.Run run = connect("127.0.0.1:" + port13, "--ca", file("ca.pem"), "--servername", "wrong.example");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("TLS handshake").contains("wrong.example");
    }

    @Test
    void noCommonProtocolFailsTheHandshake() {
        Cli.Run run = connect("127.0.0.1:" + port13, "--ca", file("ca.pem"), "--tls1.2");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("TLS handshake with 127.0.0.1:" + port13 + " failed");
        // The server names the cause. The client usually gets the protocol_version alert, but the
        // adapter sometimes closes before that alert leaves (the client then reads "the peer closed
        // the connection during the TLS handshake"), reported to the lead.
        server13.awaitErr("failed: .*(?i:protocol)", LIMIT);
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Run run = connect("127.0.0.1:" + silent.getLocalPort(), "--ca", file("ca.pem"), "--handshake-timeout", "1");

            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).contains("TLS handshake with").contains("did not complete within 1000 ms");
        }
    }

    @Test
    void aSessionWhereNothingMovesEndsAtTheIdleTimeout() {
        try (Cli.Running server = Cli.start(new TestInput(), "serve", "0", "--exec", "sleep", "30",
                "--cert", file("server.pem"), "--key", file("server-key.pem"))) {
            TestInput stdin = new TestInput(); // never ends: only the idle timeout can end this session
            try (Cli.Running client = Cli.start(stdin, "connect", "127.0.0.1:" + server.listeningPort(),
                    "--ca", file("ca.pem"), "--idle-timeout", "1")) {
                assertThat(client.awaitExit(LIMIT)).isEqualTo(1);
                assertThat(client.err()).contains("idle").contains("for 1000 ms");
            }
        }
    }

    @Test
    void insecureConnectsButWarns() {
        Cli.Run run = connect("127.0.0.1:" + port13, "--insecure", "--servername", "wrong.example");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).contains("WARNING: --insecure");
        assertThat(run.out()).isEqualTo("ping\n");
    }

    @Test
    void aTargetWithoutPortIsAUsageError() {
        Cli.Run run = connect("localhost", "--ca", file("ca.pem"));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'localhost' is not HOST:PORT");
    }

    @Test
    void theOpenSslEngineServesAndConnects() {
        try (Cli.Running server = Cli.start(new TestInput(), "serve", "0", "--echo", "--engine", "openssl",
                "--cert", file("server.pem"), "--key", file("server-key.pem"))) {
            TestInput stdin = new TestInput();
            // The input ends only after the echo arrived: with the OpenSSL engine the adapter does
            // not yet deliver data that arrives after our own close_notify (TLS 1.3 half-close).
            try (Cli.Running client = Cli.start(stdin, "connect", "127.0.0.1:" + server.listeningPort(),
                    "--engine", "openssl", "--ca", file("ca.pem"))) {
                stdin.line("ping");
                client.awaitOut("ping\n", LIMIT);
                stdin.close();
                assertThat(client.awaitExit(LIMIT)).as(client.describe() + server.describe()).isZero();
                assertThat(client.out()).isEqualTo("ping\n");
            }
        }
    }
}
