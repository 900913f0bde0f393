package io.tlsduplex.cli;

import io.netty.channel.ChannelOption;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.TlsSession;
import io.tlsduplex.TlsStream;
import io.tlsduplex.netty.TlsTcp;
import java.security.cert.X509Certificate;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/** Connecting a client end: TCP, then TLS, with errors worded for people. */
public final class Net {
    private Net() {
    }

    /** A client stream whose handshake is done. */
    public record Connected(TlsStream stream, TlsSession session) { }

    /** Connects to {@code target} and completes once the handshake is done; the stream is disposed on failure. */
    public static Mono<Connected> connect(HostPort target, TlsOptions options, Duration connectTimeout) {
        TcpClient tcp = TcpClient.create().host(target.host()).port(target.port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .noProxy();
        return TlsTcp.connect(tcp, options)
                .onErrorMap(e -> !(e instanceof UserInputException),
                        e -> new ConnectFailure("cannot connect to " + target + ": " + Failures.describe(e), e))
                .flatMap(tls -> tls.handshake()
                        .onErrorMap(e -> new ConnectFailure("TLS handshake with " + target + " failed: "
                                + Failures.describe(e), e))
                        .doOnError(e -> tls.dispose())
                        .map(session -> new Connected(tls, session)));
    }

    /** One line about a session, for stderr. */
    public static String describe(TlsSession session) {
        String peer = session.peerCertificates().isEmpty() ? "no certificate"
                : session.peerCertificates().get(0) instanceof X509Certificate x
                        ? x.getSubjectX500Principal().getName() : "a certificate";
        return session.protocol() + " " + session.cipherSuite() + ", peer " + peer;
    }

    /** A failure on the way (network, TLS); exit status 1. */
    public static final class ConnectFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConnectFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
