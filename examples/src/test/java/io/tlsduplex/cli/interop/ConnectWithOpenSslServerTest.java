package io.tlsduplex.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.cli.Cli;
import io.tlsduplex.cli.PemDir;
import io.tlsduplex.cli.TestInput;
import io.tlsduplex.testing.OpenSslProcess;
import io.tlsduplex.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code connect} against {@code openssl s_server}: the server sends KeyUpdate requests (TLS 1.3:
 * K and k) or renegotiates (TLS 1.2: R and r) in the middle of the data while our side only reads
 * (stdin idle) and while it only writes (the server sends nothing but those commands).
 * openssl's message log is the proof that our side answered.
 */
class ConnectWithOpenSslServerTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    static Path pem;

    @BeforeAll
    static void writePem() {
        PemDir.write(TestPki.shared(), pem);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void connectOnlyReadingAnswersTheServersMidStreamKeyUpdatesOrRenegotiations(String protocol) {
        boolean tls13 = protocol.equals("TLSv1.3");
        try (OpenSslProcess server = OpenSslProcess.server(pem, tls13 ? "-tls1_3" : "-tls1_2")) {
            int port = server.acceptPort();
            TestInput stdin = new TestInput(); // stays idle until the end: our side only reads
            try (Cli.Running connect = Cli.start(stdin, "connect", "127.0.0.1:" + port,
                    "--ca", pem.resolve("ca.pem").toString(), "--servername", "localhost")) {
                connect.awaitErr("connected to .*" + protocol, LIMIT);
                server.line("down-1");
                connect.awaitOut("down-1\n", LIMIT);
                if (tls13) {
                    server.line("K");
                    server.awaitMsg(">>>", "KeyUpdate", 1);
                    server.awaitMsg("<<<", "KeyUpdate", 1); // our answer to update_requested
                    server.line("down-2");
                    connect.awaitOut("down-2\n", LIMIT);
                    server.line("k");
                    server.awaitMsg(">>>", "KeyUpdate", 2);
                } else {
                    server.line("R");
                    server.awaitMsg(">>>", "HelloRequest", 1);
                    server.awaitMsg("<<<", "ClientHello", 2); // our new handshake
                    server.line("down-2");
                    connect.awaitOut("down-2\n", LIMIT);
                    server.line("r");
                    server.awaitMsg(">>>", "HelloRequest", 2);
                    server.awaitMsg("<<<", "ClientHello", 3);
                }
                server.line("down-3");
                connect.awaitOut("down-3\n", LIMIT);

                stdin.close(); // end of input: close_notify; the server answers and ends
                assertThat(connect.awaitExit(LIMIT)).as(connect.describe()).isZero();
                assertThat(connect.out()).isEqualTo("down-1\ndown-2\ndown-3\n");
                if (tls13) {
                    assertThat(server.msgCount("<<<", "KeyUpdate")).as("answers only to K, not to k").isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void connectOnlyWritingAnswersTheServersMidStreamKeyUpdatesOrRenegotiations(String protocol) {
        boolean tls13 = protocol.equals("TLSv1.3");
        try (OpenSslProcess server = OpenSslProcess.server(pem, tls13 ? "-tls1_3" : "-tls1_2")) {
            int port = server.acceptPort();
            TestInput stdin = new TestInput();
            try (Cli.Running connect = Cli.start(stdin, "connect", "127.0.0.1:" + port,
                    "--ca", pem.resolve("ca.pem").toString(), "--servername", "localhost")) {
                connect.awaitErr("connected to .*" + protocol, LIMIT);
                stdin.line("up-1");
                server.awaitOutput("up-1\n");
                if (tls13) {
                    server.line("K");
                    server.awaitMsg("<<<", "KeyUpdate", 1);
                    stdin.line("up-2");
                    server.awaitOutput("up-2\n");
                    server.line("k");
                    server.awaitMsg(">>>", "KeyUpdate", 2);
                } else {
                    server.line("R");
                    server.awaitMsg("<<<", "ClientHello", 2);
                    stdin.line("up-2");
                    server.awaitOutput("up-2\n");
                    server.line("r");
                    server.awaitMsg("<<<", "ClientHello", 3);
                }
                stdin.line("up-3");
                server.awaitOutput("up-3\n");

                stdin.close();
                assertThat(connect.awaitExit(LIMIT)).as(connect.describe()).isZero();
                assertThat(connect.out()).as("the server sent only commands, no data").isEmpty();
                assertThat(server.output()).containsSubsequence("up-1\n", "up-2\n", "up-3\n");
            }
        }
    }

    @ParameterizedTest(name = "--close-mode {0}")
    @ValueSource(strings = {"notify", "eof"})
    void theCloseModeDecidesWhetherTheServerSeesCloseNotifyAtTheEndOfInput(String mode) {
        try (OpenSslProcess server = OpenSslProcess.server(pem, "-tls1_3")) {
            int port = server.acceptPort();
            TestInput stdin = new TestInput();
            try (Cli.Running connect = Cli.start(stdin, "connect", "127.0.0.1:" + port, "--close-mode", mode,
                    "--ca", pem.resolve("ca.pem").toString(), "--servername", "localhost")) {
                stdin.line("last words");
                server.awaitOutput("last words\n");
                stdin.close();
                connect.awaitExit(LIMIT);
                server.awaitExit();
                long closeNotifies = server.alertCount("<<<", "close_notify");
                assertThat(closeNotifies).as(server.describe()).isEqualTo(mode.equals("notify") ? 1 : 0);
            }
        }
    }
}
