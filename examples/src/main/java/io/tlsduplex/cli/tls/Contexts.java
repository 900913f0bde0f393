package io.tlsduplex.cli.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.tlsduplex.cli.UserInputException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS contexts of the two engines from what the options named. */
final class Contexts {
    private static final char[] NO_PASSWORD = new char[0];

    private Contexts() {
    }

    /** A JDK context; {@code roots} null means the platform's trust store. */
    static SSLContext jdk(TlsEndOptions.Identity identity, List<X509Certificate> roots, boolean insecure) {
        try {
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", identity.key(), NO_PASSWORD, identity.chain().toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, NO_PASSWORD);
            }
            TrustManager[] trust;
            if (insecure) {
                trust = InsecureTrustManagerFactory.INSTANCE.getTrustManagers();
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(roots == null ? null : trustStore(roots));
                trust = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new UserInputException("cannot set up TLS with these keys and certificates: " + e.getMessage(), e);
        }
    }

    static SslContext opensslClient(TlsEndOptions.Identity identity, List<X509Certificate> roots, boolean insecure,
                                    List<String> protocols) {
        requireOpenSsl();
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .protocols(protocols);
        if (insecure) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (roots != null) {
            b.trustManager(roots);
        }
        if (identity != null) {
            b.keyManager(identity.key(), identity.chain());
        }
        return build(b);
    }

    static SslContext opensslServer(TlsEndOptions.Identity identity, List<X509Certificate> roots, boolean mutual,
                                    List<String> protocols) {
        requireOpenSsl();
        SslContextBuilder b = SslContextBuilder.forServer(identity.key(), identity.chain())
                .sslProvider(SslProvider.OPENSSL).protocols(protocols);
        if (roots != null) {
            b.trustManager(roots);
        }
        if (mutual) {
            b.clientAuth(ClientAuth.REQUIRE);
        }
        return build(b);
    }

    private static SslContext build(SslContextBuilder b) {
        try {
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new UserInputException("cannot set up the OpenSSL engine: " + e.getMessage(), e);
        }
    }

    private static void requireOpenSsl() {
        if (!OpenSsl.isAvailable()) {
            Throwable why = OpenSsl.unavailabilityCause();
            throw new UserInputException("--engine openssl: netty-tcnative is not available on this platform"
                    + (why == null ? "" : " (" + why.getMessage() + ")") + "; use --engine jdk");
        }
    }

    private static KeyStore trustStore(List<X509Certificate> roots) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < roots.size(); i++) {
            ts.setCertificateEntry("root-" + i, roots.get(i));
        }
        return ts;
    }
}
