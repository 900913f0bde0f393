package io.tlsduplex.bench.support;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The certificates and TLS contexts every benchmark uses: one in-memory CA per key type (made once
 * per JVM), and contexts restricted to one {@link Suite} so all stacks negotiate the same cipher.
 */
public final class Pki {

    /** The server's key: ECDSA P-256 (the default everywhere) or RSA 2048. */
    public enum KeyType { EC, RSA }

    private static volatile TestPki ec;
    private static volatile TestPki rsa;

    private Pki() {
    }

    public static synchronized TestPki of(KeyType type) {
        if (type == KeyType.EC) {
            if (ec == null) {
                ec = TestPki.create("bench-ec");
            }
            return ec;
        }
        if (rsa == null) {
            rsa = TestPki.createRsa("bench-rsa");
        }
        return rsa;
    }

    /** A Netty context (JDK or OpenSSL engines) for a server. */
    public static SslContext nettyServer(Engine engine, Suite suite, KeyType type) {
        TestPki pki = of(type);
        try {
            return SslContextBuilder.forServer(pki.server().key(), pki.server().chain())
                    .sslProvider(engine.provider())
                    .protocols(suite.protocol())
                    .ciphers(List.of(suite.cipherFor(type)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Netty context for a client that verifies the server certificate and its host name. */
    public static SslContext nettyClient(Engine engine, Suite suite, KeyType type) {
        TestPki pki = of(type);
        try {
            return SslContextBuilder.forClient().trustManager(pki.caCertificate())
                    .sslProvider(engine.provider())
                    .protocols(suite.protocol())
                    .ciphers(List.of(suite.cipherFor(type)))
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client that trusts any certificate: only for {@code IdleMemory}, whose server runs in another
     * JVM with its own freshly made CA. Host names are still checked by the engine.
     */
    public static SslContext nettyClientTrustingAny(Engine engine, Suite suite) {
        try {
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .sslProvider(engine.provider())
                    .protocols(suite.protocol())
                    .ciphers(List.of(suite.cipher()))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SSLContext jdkServer(KeyType type) {
        return of(type).serverContext();
    }

    public static SSLContext jdkClient(KeyType type) {
        return of(type).clientContext();
    }

    /** Adapter options for the server side, the same engine and suite as {@link #nettyServer}. */
    public static TlsOptions adapterServer(Engine engine, Suite suite) {
        return TlsOptions.of(nettyServer(engine, suite, KeyType.EC))
                .protocols(suite.protocol()).cipherSuites(suite.cipher()).build();
    }

    /** Adapter options for the client side; verifies the certificate for "localhost". */
    public static TlsOptions adapterClient(Engine engine, Suite suite) {
        return TlsOptions.of(nettyClient(engine, suite, KeyType.EC)).serverName("localhost")
                .protocols(suite.protocol()).cipherSuites(suite.cipher()).build();
    }
}
