package io.tlsduplex.cli.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsduplex.cli.PemDir;
import io.tlsduplex.cli.UserInputException;
import io.tlsduplex.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void aChainIsReadLeafFirstAndItsKeyMatches() throws Exception {
        TestPki pki = TestPki.shared();
        PemDir.write(pki, dir);

        var chain = PemFiles.certificates("--cert", dir.resolve("server.pem"));
        PrivateKey key = PemFiles.privateKey("--key", dir.resolve("server-key.pem"));

        assertThat(chain).containsExactly(pki.server().certificate(), pki.caCertificate());
        assertThat(key.getEncoded()).isEqualTo(pki.server().key().getEncoded());
        PemFiles.requireMatch(key, chain.get(0), dir.resolve("server-key.pem"), dir.resolve("server.pem"));
    }

    @Test
    void traditionalEcAndRsaKeysAreReadAsWellAsPkcs8() throws Exception {
        TestPki ec = TestPki.shared();
        TestPki rsa = TestPki.createRsa("pem-test");
        Files.writeString(dir.resolve("ec8.pem"), PemDir.key(ec.server().key()));    // BEGIN PRIVATE KEY
        Files.writeString(dir.resolve("rsa8.pem"), PemDir.key(rsa.server().key()));  // BEGIN PRIVATE KEY
        traditional(dir.resolve("ec8.pem"), dir.resolve("ec.pem"));                  // BEGIN EC PRIVATE KEY
        traditional(dir.resolve("rsa8.pem"), dir.resolve("rsa.pem"));                // BEGIN RSA PRIVATE KEY

        assertThat(Files.readString(dir.resolve("ec.pem"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("rsa.pem"))).contains("BEGIN RSA PRIVATE KEY");
        PrivateKey e = PemFiles.privateKey("--key", dir.resolve("ec.pem"));
        PrivateKey r = PemFiles.privateKey("--key", dir.resolve("rsa.pem"));
        PemFiles.requireMatch(e, ec.server().certificate(), dir.resolve("ec.pem"), dir.resolve("cert"));
        PemFiles.requireMatch(r, rsa.server().certificate(), dir.resolve("rsa.pem"), dir.resolve("cert"));
        assertThat(PemFiles.privateKey("--key", dir.resolve("rsa8.pem")).getEncoded()).isEqualTo(r.getEncoded());
    }

    /** What {@code openssl pkey -traditional} makes of a PKCS#8 key: the form older tools write. */
    private static void traditional(Path pkcs8, Path out) throws Exception {
        Process p = new ProcessBuilder("openssl", "pkey", "-in", pkcs8.toString(), "-traditional", "-out", out.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void anEncryptedKeyIsRefusedWithAHowTo() throws Exception {
        PemDir.write(TestPki.shared(), dir);
        Path encrypted = dir.resolve("encrypted.pem");
        Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-in", dir.resolve("server-key.pem").toString(),
                "-out", encrypted.toString(), "-passout", "pass:secret").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();

        assertThatThrownBy(() -> PemFiles.privateKey("--key", encrypted))
                .isInstanceOf(UserInputException.class).hasMessageContaining("encrypted");
    }

    @Test
    void aFileWithoutPemBlocksSaysWhatWasExpected() throws Exception {
        Path empty = Files.writeString(dir.resolve("notes.txt"), "hello\n");

        assertThatThrownBy(() -> PemFiles.certificates("--ca", empty))
                .isInstanceOf(UserInputException.class).hasMessageContaining("-----BEGIN CERTIFICATE-----");
        assertThatThrownBy(() -> PemFiles.privateKey("--key", empty))
                .isInstanceOf(UserInputException.class).hasMessageContaining("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aDerFileIsRecognisedAsNotPem() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), TestPki.shared().caCertificate().getEncoded());

        assertThatThrownBy(() -> PemFiles.certificates("--ca", der))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--ca " + der);
    }

    @Test
    void aKeyFromAnotherPairIsRefused() {
        TestPki pki = TestPki.shared();

        assertThatThrownBy(() -> PemFiles.requireMatch(pki.client().key(), pki.server().certificate(),
                Path.of("k.pem"), Path.of("c.pem")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("does not belong");
    }
}
