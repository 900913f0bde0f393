package io.tlsduplex.cli;

import io.tlsduplex.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A PKI as the PEM files a user has: ca.pem, server.pem (chain), server-key.pem, client.pem,
 * client-key.pem. Keys in PKCS#8 ("BEGIN PRIVATE KEY"), the form openssl 3 and our reader share.
 */
public final class PemDir {
    private PemDir() {
    }

    public static Path write(TestPki pki, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ca.pem"), certificates(List.of(pki.caCertificate())));
            Files.writeString(dir.resolve("server.pem"), certificates(pki.server().chain()));
            Files.writeString(dir.resolve("server-key.pem"), key(pki.server().key()));
            Files.writeString(dir.resolve("client.pem"), certificates(pki.client().chain()));
            Files.writeString(dir.resolve("client-key.pem"), key(pki.client().key()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String certificates(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(block("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    public static String key(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
