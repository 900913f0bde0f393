package io.tlsduplex.cli.tls;

import io.tlsduplex.cli.UserInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files the options name: certificate chains (leaf first) and unencrypted private
 * keys (PKCS#8 {@code PRIVATE KEY}, or the traditional {@code EC/RSA PRIVATE KEY}). Every failure
 * is a {@link UserInputException} that names the option and the file, since that is what the
 * user has to fix.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** All certificates in {@code file}, in file order; at least one. */
    public static List<X509Certificate> certificates(String option, Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(option, file)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certs.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new UserInputException(option + " " + file + ": unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certs.isEmpty()) {
            throw new UserInputException(option + " " + file + ": no certificate in it "
                    + "(expected a PEM block '-----BEGIN CERTIFICATE-----')");
        }
        return certs;
    }

    /** The one private key in {@code file}. */
    public static PrivateKey privateKey(String option, Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(option, file)) {
            try {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // the private part only: traditional EC keys may come without their public key
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new UserInputException(option + " " + file + ": unusable private key: " + e.getMessage(), e);
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new UserInputException(option + " " + file + ": the key is encrypted; "
                        + "decrypt it first (openssl pkey -in KEY -out PLAIN)");
            }
        }
        throw new UserInputException(option + " " + file + ": no private key in it "
                + "(expected a PEM block '-----BEGIN PRIVATE KEY-----' or '-----BEGIN EC/RSA PRIVATE KEY-----')");
    }

    /** Fails unless {@code key} belongs to {@code leaf}: a mismatch otherwise shows up only as a peer's handshake failure. */
    public static void requireMatch(PrivateKey key, X509Certificate leaf, Path keyFile, Path certFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "tls-duplex key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException mismatch) {
            // a key of another type than the certificate's: the same answer as a wrong key
        }
        throw new UserInputException("--key " + keyFile + " does not belong to the certificate in --cert " + certFile
                + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }

    private static List<Object> objects(String option, Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new UserInputException(option + " " + file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserInputException(option + " " + file + ": not a PEM file (binary content; DER? convert with "
                    + "openssl x509 -inform der -in FILE -out FILE.pem)");
        } catch (IOException | RuntimeException e) {
            if (Files.isDirectory(file)) {
                throw new UserInputException(option + " " + file + ": is a directory, not a PEM file");
            }
            if (!Files.isReadable(file)) {
                throw new UserInputException(option + " " + file + ": cannot read it (" + e.getMessage() + ")");
            }
            throw new UserInputException(option + " " + file + ": malformed PEM: " + e.getMessage(), e);
        }
        return objects;
    }
}
