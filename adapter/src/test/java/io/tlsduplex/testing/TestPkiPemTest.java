package io.tlsduplex.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files the fixtures write are readable by openssl itself (the interop tests feed them to it). */
class TestPkiPemTest {

    @Test
    void opensslReadsTheWrittenKeysAndVerifiesTheServerCertificateAgainstTheCa(@TempDir Path dir) throws Exception {
        TestPki.shared().writePem(dir);
        assertThat(run(dir, "openssl", "pkey", "-in", "server-key.pem", "-noout")).isZero();
        assertThat(run(dir, "openssl", "pkey", "-in", "client-key.pem", "-noout")).isZero();
        assertThat(run(dir, "openssl", "verify", "-CAfile", "ca.pem", "server.pem")).isZero();
        assertThat(Files.readString(dir.resolve("server-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    private static int run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("openssl did not finish: " + String.join(" ", command));
            }
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }
}
