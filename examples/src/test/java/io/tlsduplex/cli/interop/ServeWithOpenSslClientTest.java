package io.tlsduplex.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.cli.Await;
import io.tlsduplex.cli.Cli;
import io.tlsduplex.cli.PemDir;
import io.tlsduplex.cli.TestInput;
import io.tlsduplex.testing.OpenSslProcess;
import io.tlsduplex.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve} against {@code openssl s_client}: the client sends KeyUpdate requests (TLS 1.3: K
 * and k) or renegotiates (TLS 1.2: R) in the middle of the data while the server's program only
 * reads (it writes what it gets to a file) and while it only writes (it copies a fifo the test
 * feeds). openssl's message log is the proof that our server answered.
 */
class ServeWithOpenSslClientTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    static Path pem;

    @BeforeAll
    static void writePem() {
        PemDir.write(TestPki.shared(), pem);
    }

    private static Cli.Running serve(String protocol, String... exec) {
        String[] head = {"serve", "0", "--cert", pem.resolve("server.pem").toString(),
                "--key", pem.resolve("server-key.pem").toString(),
                protocol.equals("TLSv1.3") ? "--tls1.3" : "--tls1.2", "--allow-renegotiation", "--exec"};
        String[] args = new String[head.length + exec.length];
        System.arraycopy(head, 0, args, 0, head.length);
        System.arraycopy(exec, 0, args, head.length, exec.length);
        if (protocol.equals("TLSv1.3")) {
            args = java.util.Arrays.stream(args).filter(a -> !a.equals("--allow-renegotiation")).toArray(String[]::new);
        }
        return Cli.start(new TestInput(), args);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serveOnlyReadingAnswersTheClientsMidStreamKeyUpdatesOrRenegotiation(String protocol) throws IOException {
        boolean tls13 = protocol.equals("TLSv1.3");
        Path received = Files.createTempFile(pem, "received", ".txt");
        try (Cli.Running server = serve(protocol, "sh", "-c", "cat > " + received);
             OpenSslProcess client = OpenSslProcess.client(pem, server.listeningPort(), tls13 ? "-tls1_3" : "-tls1_2")) {
            server.awaitErr("#1 " + protocol, LIMIT);
            client.line("up-1");
            awaitFile(server, received, "up-1\n");
            if (tls13) {
                client.line("K");
                client.awaitMsg(">>>", "KeyUpdate", 1);
                client.awaitMsg("<<<", "KeyUpdate", 1); // our server's answer, with nothing to write
                client.line("up-2");
                awaitFile(server, received, "up-2\n");
                client.line("k");
                client.awaitMsg(">>>", "KeyUpdate", 2);
            } else {
                client.line("R");
                client.awaitMsg(">>>", "ClientHello", 2);
                client.awaitMsg("<<<", "ServerHello", 2); // our server renegotiated
                client.line("up-2");
                awaitFile(server, received, "up-2\n");
            }
            client.line("up-3");
            awaitFile(server, received, "up-3\n");
            client.endInput(); // s_client sends close_notify: the program's stdin ends, it exits, we close
            Await.until("the connection to end", () -> server.err().contains("#1 closed"), LIMIT,
                    () -> server.describe() + client.describe());
            assertThat(Files.readString(received)).isEqualTo("up-1\nup-2\nup-3\n");
            if (tls13) {
                assertThat(client.msgCount("<<<", "KeyUpdate")).as("answers only to K, not to k").isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serveOnlyWritingAnswersTheClientsMidStreamKeyUpdatesOrRenegotiation(String protocol) throws Exception {
        boolean tls13 = protocol.equals("TLSv1.3");
        Path fifo = pem.resolve("fifo-" + protocol);
        Files.deleteIfExists(fifo);
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try (Cli.Running server = serve(protocol, "cat", fifo.toString());
             OpenSslProcess client = OpenSslProcess.client(pem, server.listeningPort(), tls13 ? "-tls1_3" : "-tls1_2")) {
            server.awaitErr("#1 " + protocol, LIMIT);
            try (OutputStream program = Files.newOutputStream(fifo)) { // opens once cat has it open
                write(program, "down-1\n");
                client.awaitOutput("down-1\n");
                if (tls13) {
                    client.line("K");
                    client.awaitMsg("<<<", "KeyUpdate", 1);
                    write(program, "down-2\n");
                    client.awaitOutput("down-2\n");
                    client.line("k");
                    client.awaitMsg(">>>", "KeyUpdate", 2);
                } else {
                    client.line("R");
                    client.awaitMsg("<<<", "ServerHello", 2);
                    write(program, "down-2\n");
                    client.awaitOutput("down-2\n");
                }
                write(program, "down-3\n");
                client.awaitOutput("down-3\n");
            } // the program's input ends: cat exits, the connection ends
            server.awaitErr("#1 closed", LIMIT);
            client.awaitExit();
            assertThat(client.output()).containsSubsequence("down-1\n", "down-2\n", "down-3\n");
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void awaitFile(Cli.Running server, Path file, String text) {
        Await.until("'" + text.strip() + "' in " + file, () -> {
            try {
                return Files.readString(file).contains(text);
            } catch (IOException e) {
                return false;
            }
        }, LIMIT, server::describe);
    }
}
