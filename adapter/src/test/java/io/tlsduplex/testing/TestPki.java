package io.tlsduplex.testing;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made in memory: a CA, a server certificate for {@code localhost} and
 * {@code 127.0.0.1}, and a client certificate. Everything needed to build JDK {@link SSLContext}s,
 * Netty {@link SslContext}s (JDK or OpenSSL provider) and PEM files for {@code openssl} processes.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static volatile TestPki shared;

    /** One identity: a key and its chain, leaf first. */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {
        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Identity server;
    private final Identity client;

    private TestPki(String name, String algorithm) {
        try {
            this.name = name;
            this.caKeys = keyPair(algorithm);
            X500Name caName = new X500Name("CN=" + name + " Test CA,O=tls-duplex");
            this.ca = sign(caName, caName, caKeys.getPublic(), caKeys.getPrivate(), true, null, algorithm);
            KeyPair serverKeys = keyPair(algorithm);
            this.server = new Identity(serverKeys.getPrivate(), List.of(
                    sign(new X500Name("CN=localhost,O=tls-duplex"), caName, serverKeys.getPublic(), caKeys.getPrivate(),
                            false, new GeneralNames(new GeneralName[]{
                                    new GeneralName(GeneralName.dNSName, "localhost"),
                                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}), algorithm), ca));
            KeyPair clientKeys = keyPair(algorithm);
            this.client = new Identity(clientKeys.getPrivate(), List.of(
                    sign(new X500Name("CN=client,O=tls-duplex"), caName, clientKeys.getPublic(), caKeys.getPrivate(),
                            false, null, algorithm), ca));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not make the test PKI", e);
        }
    }

    /** A PKI shared by a whole JVM (making keys costs time); EC P-256 keys. */
    public static TestPki shared() {
        TestPki p = shared;
        if (p == null) {
            synchronized (TestPki.class) {
                p = shared;
                if (p == null) {
                    p = new TestPki("Shared", "EC");
                    shared = p;
                }
            }
        }
        return p;
    }

    /** A fresh, independent PKI: its certificates are not trusted by any other. */
    public static TestPki create(String name) {
        return new TestPki(name, "EC");
    }

    /** A fresh PKI with RSA 2048 keys (for benchmarks of RSA handshakes). */
    public static TestPki createRsa(String name) {
        return new TestPki(name, "RSA");
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public Identity server() {
        return server;
    }

    public Identity client() {
        return client;
    }

    /** A server certificate issued by this CA for another host name only ("wrong.example"). */
    public Identity serverFor(String dnsName) {
        try {
            KeyPair keys = keyPair("EC");
            X509Certificate cert = sign(new X500Name("CN=" + dnsName + ",O=tls-duplex"),
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), keys.getPublic(), caKeys.getPrivate(), false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)), "EC");
            return new Identity(keys.getPrivate(), List.of(cert, ca));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- JDK contexts

    public SSLContext serverContext() {
        return context(server, true);
    }

    public SSLContext clientContext() {
        return context(null, true);
    }

    /** A client context that presents the client certificate (mutual TLS). */
    public SSLContext clientContextWithCertificate() {
        return context(client, true);
    }

    /** A context with {@code identity} as its key material, trusting this CA (or nothing). */
    public SSLContext context(Identity identity, boolean trustCa) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", identity.key(), new char[0], identity.chain().toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            if (trustCa) {
                ts.setCertificateEntry("ca", ca);
            }
            tmf.init(ts);
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- Netty contexts

    public SslContext nettyServerContext(SslProvider provider) {
        try {
            return SslContextBuilder.forServer(server.key(), server.chain())
                    .sslProvider(provider).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SslContext nettyClientContext(SslProvider provider) {
        try {
            return SslContextBuilder.forClient().trustManager(ca)
                    .sslProvider(provider).protocols("TLSv1.3", "TLSv1.2")
                    .endpointIdentificationAlgorithm("HTTPS").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Netty server context that requires a client certificate from this CA. */
    public SslContext nettyMutualServerContext(SslProvider provider) {
        try {
            return SslContextBuilder.forServer(server.key(), server.chain()).trustManager(ca)
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(provider).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- PEM files

    /** Writes {@code ca.pem}, {@code server.pem}, {@code server-key.pem}, {@code client.pem}, {@code client-key.pem}. */
    public Path writePem(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ca.pem"), pem(ca));
            Files.writeString(dir.resolve("server.pem"), pem(server.chain().toArray()));
            Files.writeString(dir.resolve("server-key.pem"), pemPkcs8(server.key()));
            Files.writeString(dir.resolve("client.pem"), pem(client.chain().toArray()));
            Files.writeString(dir.resolve("client-key.pem"), pemPkcs8(client.key()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A private key as PKCS#8 PEM ("PRIVATE KEY"), which openssl 3 and every JDK-based reader accept. */
    public static String pemPkcs8(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "TestPki[" + name + "]";
    }

    // ---------------------------------------------------------------- internals

    private static KeyPair keyPair(String algorithm) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, X500Name issuer, java.security.PublicKey key,
                                        PrivateKey issuerKey, boolean isCa, GeneralNames sans, String algorithm)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, isCa
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        ContentSigner signer = new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                .build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }
}
