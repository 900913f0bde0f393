package io.tlsduplex.cli.tls;

import io.tlsduplex.CloseMode;
import io.tlsduplex.PeerVerifier;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.cli.Streams;
import io.tlsduplex.cli.UserInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every TLS end of the tool shares (a picocli mixin), and their translation into
 * {@link TlsOptions}. Validation happens here, before any socket is opened, so that a typo in a
 * file name is a usage error and not a connection failure.
 */
public final class TlsEndOptions {

    public enum Engine { jdk, openssl }

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Our certificate chain, PEM, leaf first (servers; clients for mutual TLS).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The private key of --cert, PEM (PKCS#8, EC or RSA).")
    Path key;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trusted root certificates, PEM (default: the Java platform's trust store; "
                    + "servers: the roots client certificates must chain to).")
    Path ca;

    @Option(names = "--require-client-cert", description = "Servers: refuse clients without a certificate from --ca.")
    boolean requireClientCert;

    @Option(names = "--client-issuer", paramLabel = "DN",
            description = "Servers: the exact issuer DN a client certificate must have (implies --require-client-cert).")
    String clientIssuer;

    @Option(names = "--allow-renegotiation",
            description = "Servers: accept TLS 1.2 renegotiations the client starts (default: refused).")
    boolean allowRenegotiation;

    @Option(names = "--servername", paramLabel = "NAME",
            description = "Clients: the name sent as SNI and checked against the server certificate (default: the host).")
    String serverName;

    @Option(names = "--insecure", description = "Clients: do NOT verify the server certificate or name (prints a warning).")
    boolean insecure;

    @Option(names = "--tls1.2", description = "Only TLS 1.2.")
    boolean tls12;

    @Option(names = "--tls1.3", description = "Only TLS 1.3.")
    boolean tls13;

    @Option(names = "--close-mode", paramLabel = "notify|eof", defaultValue = "notify",
            description = "How finishing our write half ends it: close_notify then EOF, or EOF only (default: ${DEFAULT-VALUE}).")
    String closeMode;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Fail a connection when no data moves either way for this long (default: none).")
    Double idleTimeoutSeconds;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Fail a handshake that takes longer (default: ${DEFAULT-VALUE}).")
    double handshakeTimeoutSeconds;

    @Option(names = "--engine", paramLabel = "jdk|openssl", defaultValue = "jdk",
            description = "The TLS implementation: the JDK's, or OpenSSL/BoringSSL through netty-tcnative (default: ${DEFAULT-VALUE}).")
    Engine engine;

    /** Options for a client that connects to {@code host}. */
    public TlsOptions client(String host, Streams io) {
        if (requireClientCert || clientIssuer != null || allowRenegotiation) {
            throw new UserInputException("--require-client-cert, --client-issuer and --allow-renegotiation are server options");
        }
        if (insecure && ca != null) {
            throw new UserInputException("--insecure and --ca contradict each other: --ca asks for verification");
        }
        if (insecure) {
            io.err().println("tls-duplex: WARNING: --insecure: the server's certificate and name are NOT verified; "
                    + "anyone on the path can read and change this connection");
        }
        Identity identity = identity(false);
        TlsOptions.Builder b = engine == Engine.openssl
                ? TlsOptions.of(Contexts.opensslClient(identity, trustRoots(), insecure, protocols()))
                : TlsOptions.client(Contexts.jdk(identity, trustRoots(), insecure));
        b.serverName(serverName != null ? serverName : host).hostnameVerification(!insecure);
        return common(b).build();
    }

    /** Options for a server; {@code --cert} and {@code --key} are required. */
    public TlsOptions server(Streams io) {
        if (serverName != null || insecure) {
            throw new UserInputException("--servername and --insecure are client options");
        }
        if (allowRenegotiation && tls13 && !tls12) {
            throw new UserInputException("--allow-renegotiation is for TLS 1.2; TLS 1.3 has no renegotiation");
        }
        boolean mutual = requireClientCert || clientIssuer != null;
        if (mutual && ca == null) {
            throw new UserInputException("--require-client-cert needs --ca: the roots client certificates must chain to");
        }
        Identity identity = identity(true);
        List<java.security.cert.X509Certificate> roots = trustRoots();
        TlsOptions.Builder b = engine == Engine.openssl
                ? TlsOptions.of(Contexts.opensslServer(identity, roots, mutual, protocols()))
                : TlsOptions.server(Contexts.jdk(identity, roots, false));
        b.needClientAuth(mutual).allowClientRenegotiation(allowRenegotiation);
        if (clientIssuer != null) {
            try {
                b.peerVerifier(PeerVerifier.issuer(clientIssuer));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--client-issuer '" + clientIssuer + "' is not a distinguished name: " + e.getMessage());
            }
        }
        return common(b).build();
    }

    /** Restricts the protocols to TLS 1.3 (log-fanout/log-follow), refusing a contradicting --tls1.2. */
    public void requireTls13(String why) {
        if (tls12) {
            throw new UserInputException("--tls1.2 is not allowed: " + why);
        }
        tls13 = true;
    }

    public boolean hasClientIssuer() {
        return clientIssuer != null;
    }

    private TlsOptions.Builder common(TlsOptions.Builder b) {
        b.protocols(protocols().toArray(String[]::new));
        b.closeMode(switch (closeMode.toLowerCase(java.util.Locale.ROOT)) {
            case "notify" -> CloseMode.NOTIFY;
            case "eof" -> CloseMode.EOF;
            default -> throw new UserInputException("--close-mode must be notify or eof, not '" + closeMode + "'");
        });
        b.handshakeTimeout(seconds("--handshake-timeout", handshakeTimeoutSeconds));
        if (idleTimeoutSeconds != null) {
            b.idleTimeout(seconds("--idle-timeout", idleTimeoutSeconds));
        }
        return b;
    }

    private List<String> protocols() {
        List<String> p = new ArrayList<>();
        if (tls13 || !tls12) {
            p.add("TLSv1.3");
        }
        if (tls12 || !tls13) {
            p.add("TLSv1.2");
        }
        return p;
    }

    private static Duration seconds(String option, double value) {
        if (!(value > 0) || value > 86_400 * 365) {
            throw new UserInputException(option + " must be a positive number of seconds, not " + value);
        }
        return Duration.ofNanos((long) (value * 1e9));
    }

    private Identity identity(boolean required) {
        if (cert == null && key == null) {
            if (required) {
                throw new UserInputException("a server needs --cert FILE and --key FILE (PEM)");
            }
            return null;
        }
        if (cert == null || key == null) {
            throw new UserInputException((cert == null ? "--key" : "--cert") + " needs "
                    + (cert == null ? "--cert" : "--key") + " too");
        }
        List<java.security.cert.X509Certificate> chain = PemFiles.certificates("--cert", cert);
        java.security.PrivateKey privateKey = PemFiles.privateKey("--key", key);
        PemFiles.requireMatch(privateKey, chain.get(0), key, cert);
        return new Identity(privateKey, chain);
    }

    private List<java.security.cert.X509Certificate> trustRoots() {
        return ca == null ? null : PemFiles.certificates("--ca", ca);
    }

    /** A key and its chain, leaf first. */
    public record Identity(java.security.PrivateKey key, List<java.security.cert.X509Certificate> chain) { }
}
