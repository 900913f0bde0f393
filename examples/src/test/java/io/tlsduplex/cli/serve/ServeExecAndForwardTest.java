package io.tlsduplex.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.cli.Cli;
import io.tlsduplex.cli.PemDir;
import io.tlsduplex.cli.TestInput;
import io.tlsduplex.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --exec cat}, {@code --echo} and {@code --forward}, with our own {@code connect} as
 * the client: its standard input is sent, its end finishes the write half (TLS 1.3 half-close),
 * and what comes back is whole.
 */
class ServeExecAndForwardTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path pem;

    @BeforeAll
    static void writePem() {
        PemDir.write(TestPki.shared(), pem);
    }

    private static Cli.Running serve(String... mode) {
        String[] head = {"serve", "0", "--cert", pem.resolve("server.pem").toString(),
                "--key", pem.resolve("server-key.pem").toString()};
        String[] args = new String[head.length + mode.length];
        System.arraycopy(head, 0, args, 0, head.length);
        System.arraycopy(mode, 0, args, head.length, mode.length);
        return Cli.start(new TestInput(), args);
    }

    private static Cli.Run connect(int port, byte[] input) {
        return Cli.runWithin(LIMIT, new ByteArrayInputStream(input), "connect", "127.0.0.1:" + port,
                "--ca", pem.resolve("ca.pem").toString(), "--quiet");
    }

    @Test
    void execCatSendsBackEverythingAndTheConnectionEndsWhenCatExits() {
        byte[] input = text(2 << 20, 1);
        try (Cli.Running server = serve("--exec", "cat")) {
            Cli.Run run = connect(server.listeningPort(), input);

            assertThat(run.status()).as(run.err() + server.describe()).isZero();
            assertThat(sha256(run.out().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(sha256(input));
            server.awaitErr("#1 closed", LIMIT);
        }
    }

    @Test
    void echoServesSeveralClientsAtOnce() {
        try (Cli.Running server = serve("--echo")) {
            int port = server.listeningPort();
            CompletableFuture<?>[] clients = new CompletableFuture<?>[4];
            for (int i = 0; i < clients.length; i++) {
                byte[] input = text(256 << 10, 10 + i);
                clients[i] = CompletableFuture.runAsync(() -> {
                    Cli.Run run = connect(port, input);
                    assertThat(run.status()).as(run.err()).isZero();
                    assertThat(sha256(run.out().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(sha256(input));
                });
            }
            CompletableFuture.allOf(clients).orTimeout(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
            server.awaitErr("#4 closed", LIMIT);
        }
    }

    @Test
    void forwardRelaysBothWaysAndPassesEachEndOfStreamOn() throws Exception {
        byte[] input = text(1 << 20, 2);
        try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // The backend answers only after the end of its input: the half-close must reach it.
            CompletableFuture<Void> backendDone = CompletableFuture.runAsync(() -> {
                try (Socket s = backend.accept()) {
                    byte[] got = s.getInputStream().readAllBytes();
                    OutputStream out = s.getOutputStream();
                    out.write(("got " + got.length + " bytes, sha256 " + sha256(got) + "\n").getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    s.getInputStream().close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Cli.Running server = serve("--forward", "127.0.0.1:" + backend.getLocalPort())) {
                Cli.Run run = connect(server.listeningPort(), input);

                assertThat(run.status()).as(run.err() + server.describe()).isZero();
                assertThat(run.out()).isEqualTo("got " + input.length + " bytes, sha256 " + sha256(input) + "\n");
                backendDone.join();
                server.awaitErr("#1 closed", LIMIT);
            }
        }
    }

    /** Printable pseudo-random lines, so that stdout (decoded as text) compares byte for byte. */
    static byte[] text(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (i % 80 == 79) ? (byte) '\n' : (byte) ('a' + random.nextInt(26));
        }
        return b;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
