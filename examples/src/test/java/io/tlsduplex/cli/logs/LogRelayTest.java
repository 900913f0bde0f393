package io.tlsduplex.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.cli.Await;
import io.tlsduplex.cli.Cli;
import io.tlsduplex.cli.PemDir;
import io.tlsduplex.cli.TestInput;
import io.tlsduplex.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log-fanout and log-follow end to end: syslog datagrams in, a follower that gets every line in
 * order while a client that does not read overflows its own queue (counted, and told), a client
 * whose certificate has the wrong issuer refused, and the follower reconnecting to a restarted relay.
 */
class LogRelayTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int LINES = 3000;
    private static final Pattern DROPPED = Pattern.compile("log-fanout: (\\d+) lines dropped");

    @TempDir
    static Path dir;
    private static final TestPki pki = TestPki.shared();
    private static final TestPki other = TestPki.create("Other");

    @BeforeAll
    static void writePem() throws IOException {
        PemDir.write(pki, dir);
        PemDir.write(other, dir.resolve("other"));
        // The relay trusts both CAs: the other client's chain is valid, only its issuer is wrong.
        Files.writeString(dir.resolve("both-ca.pem"),
                PemDir.certificates(List.of(pki.caCertificate(), other.caCertificate())));
    }

    @Test
    void everyLineReachesTheFollowerWhileASlowClientOverflowsAndAWrongIssuerIsRefused() throws Exception {
        try (Syslog syslog = new Syslog();
             Cli.Running fanout = fanout("0", "0")) {
            int tlsPort = fanout.listeningPort();
            int udpPort = Integer.parseInt(fanout.awaitErr("udp /?[0-9.]+:(\\d+)", LIMIT));
            try (Cli.Running follow = follow(tlsPort, syslog.port());
                 SSLSocket slow = slowClient(tlsPort)) {
                follow.awaitErr("connected to", LIMIT);
                fanout.awaitErr("client #1 joined", LIMIT);
                fanout.awaitErr("client #2 joined", LIMIT);

                try (SSLSocket wrong = client(other.client(), tlsPort)) {
                    wrong.startHandshake();
                    fanout.awaitErr("client #3 refused: .*issuer .*is not the required", LIMIT);
                    assertThat(wrong.getInputStream().read()).as("the relay closed on the wrong issuer").isEqualTo(-1);
                } catch (IOException refusedInTheHandshake) {
                    fanout.awaitErr("client #3 refused: .*issuer .*is not the required", LIMIT);
                }

                // Batches of 50, each awaited at the follower: the kernel drops a UDP burst that overfills
                // the relay's socket buffer (before the relay sees it); the relay itself must drop nothing.
                try (DatagramSocket sender = new DatagramSocket()) {
                    for (int i = 0; i < LINES; i++) {
                        byte[] line = String.format("<13>line-%05d %s", i, "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
                        sender.send(new DatagramPacket(line, line.length, new InetSocketAddress("127.0.0.1", udpPort)));
                        if (i % 50 == 49 || i == LINES - 1) {
                            int expected = i + 1;
                            Await.until(expected + " lines at the follower", () -> syslog.lines().size() >= expected,
                                    LIMIT, () -> syslog.lines().size() + " lines at the follower\n" + follow.describe() + fanout.describe());
                        }
                    }
                }
                List<String> followed = syslog.lines();
                assertThat(followed).hasSize(LINES);
                for (int i = 0; i < LINES; i++) {
                    assertThat(followed.get(i)).startsWith(String.format("<13>line-%05d ", i));
                }

                // The slow client reads only now: every line it lacks is accounted for by a notice.
                BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII));
                long regular = 0;
                long dropped = 0;
                int last = -1;
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = DROPPED.matcher(line);
                    if (m.find()) {
                        dropped += Long.parseLong(m.group(1));
                        continue;
                    }
                    int n = Integer.parseInt(line.substring(9, 14));
                    assertThat(n).as("in order").isGreaterThan(last);
                    last = n;
                    regular++;
                    if (n == LINES - 1) {
                        break;
                    }
                }
                assertThat(last).isEqualTo(LINES - 1);
                assertThat(dropped).as("the slow client overflowed its queue").isPositive();
                assertThat(regular + dropped).as("lines received + lines reported dropped").isEqualTo(LINES);
            }
            // The relay counted what it dropped for the slow client, and nothing for the follower.
            fanout.awaitErr("client #\\d (left|dropped): .*\\d+ lines sent, [1-9]\\d* dropped", LIMIT);
            fanout.awaitErr("client #\\d (left|dropped): .*" + LINES + " lines sent, 0 dropped", LIMIT);
        }
    }

    @Test
    void theFollowerReconnectsWhenTheRelayComesBack() throws Exception {
        try (Syslog syslog = new Syslog()) {
            int tlsPort;
            int udpPort;
            Cli.Running follow;
            try (Cli.Running fanout = fanout("0", "0")) {
                tlsPort = fanout.listeningPort();
                udpPort = Integer.parseInt(fanout.awaitErr("udp /?[0-9.]+:(\\d+)", LIMIT));
                follow = follow(tlsPort, syslog.port());
                fanout.awaitErr("client #1 joined", LIMIT);
                send(udpPort, "<13>before the restart");
                Await.until("the first line", () -> syslog.lines().size() == 1, LIMIT, follow::describe);
            } // the relay stops: the follower loses its session and backs off
            try (follow) {
                follow.awaitErr("reconnecting in", LIMIT);
                try (Cli.Running fanout = fanout(String.valueOf(tlsPort), String.valueOf(udpPort))) {
                    Await.until("the follower back at the restarted relay", () -> fanout.err().contains("client #1 joined"),
                            LIMIT, () -> follow.describe() + fanout.describe());
                    send(udpPort, "<13>after the restart");
                    Await.until("the second line", () -> syslog.lines().size() == 2, LIMIT, follow::describe);
                }
            }
            assertThat(syslog.lines()).containsExactly("<13>before the restart", "<13>after the restart");
        }
    }

    @Test
    void logFanoutWithoutAClientIssuerIsRefusedAsBadInput() {
        Cli.Run run = Cli.run("log-fanout", "--port", "0", "--udp", "127.0.0.1:0",
                "--cert", dir.resolve("server.pem").toString(), "--key", dir.resolve("server-key.pem").toString(),
                "--ca", dir.resolve("ca.pem").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--client-issuer");
    }

    private static Cli.Running fanout(String tlsPort, String udpPort) {
        return Cli.start(new TestInput(), "log-fanout", "--port", tlsPort, "--udp", "127.0.0.1:" + udpPort,
                "--cert", dir.resolve("server.pem").toString(), "--key", dir.resolve("server-key.pem").toString(),
                "--ca", dir.resolve("both-ca.pem").toString(),
                "--client-issuer", pki.caCertificate().getSubjectX500Principal().getName(),
                "--queue", "50", "--overflow", "drop_oldest");
    }

    private static Cli.Running follow(int tlsPort, int syslogPort) {
        return Cli.start(new TestInput(), "log-follow", "127.0.0.1:" + tlsPort, "--to", "127.0.0.1:" + syslogPort,
                "--cert", dir.resolve("client.pem").toString(), "--key", dir.resolve("client-key.pem").toString(),
                "--ca", dir.resolve("ca.pem").toString(), "--servername", "localhost",
                "--min-backoff", "0.1", "--max-backoff", "0.5");
    }

    private static void send(int udpPort, String line) throws IOException {
        try (DatagramSocket sender = new DatagramSocket()) {
            byte[] b = line.getBytes(StandardCharsets.US_ASCII);
            sender.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", udpPort)));
        }
    }

    /** A mutual-TLS client that does not read: a small receive buffer so that its queue at the relay fills. */
    private static SSLSocket slowClient(int port) throws Exception {
        SSLSocket s = (SSLSocket) context(pki.client()).getSocketFactory().createSocket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }

    private static SSLSocket client(TestPki.Identity identity, int port) throws Exception {
        SSLSocket s = (SSLSocket) context(identity).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        return s;
    }

    /** Presents {@code identity}, trusts the relay's CA. */
    private static SSLContext context(TestPki.Identity identity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", identity.key(), new char[0], identity.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", pki.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /** The local syslog the follower writes to: a UDP socket whose datagrams the test reads back. */
    private static final class Syslog implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread receiver;

        Syslog() throws SocketException {
            socket.setReceiveBufferSize(4 << 20);
            receiver = new Thread(() -> {
                byte[] buf = new byte[65536];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "syslog");
            receiver.setDaemon(true);
            receiver.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
