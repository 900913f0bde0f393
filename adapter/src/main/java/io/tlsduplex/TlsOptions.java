package io.tlsduplex;

import io.netty.buffer.ByteBufAllocator;
import io.tlsduplex.internal.PumpAllocator;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Immutable settings of one TLS stream. Start from {@link #client(SSLContext)},
 * {@link #server(SSLContext)} or the Netty {@link SslContext} variants, adjust, {@link Builder#build()}.
 * Every value is validated by {@code build()}, with a message that names the bad value.
 *
 * <p>Defaults, and why: TLS 1.3 and 1.2 only (older versions are broken); hostname verification
 * on for clients (a certificate for another host is an attack); 10 s handshake timeout (a peer
 * that stalls the handshake holds resources); no idle timeout (long-lived quiet connections are
 * legitimate); {@link CloseMode#NOTIFY}; truncation is an error; client-initiated renegotiation
 * refused on servers (a CPU-exhaustion vector with no use in TLS 1.2 deployments today); at most
 * 1000 peer key updates / renegotiations per minute (a burst of 100 passes).
 */
public final class TlsOptions {

    /** Protocols the library will enable at all; anything older is refused at build time. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private final TlsEngineFactory engineFactory;
    private final boolean client;
    private final String serverName;
    private final List<String> applicationProtocols;
    private final boolean hostnameVerification;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final boolean needClientAuth;
    private final PeerVerifier peerVerifier;
    private final Duration handshakeTimeout;
    private final Duration idleTimeout;
    private final CloseMode closeMode;
    private final boolean allowTruncation;
    private final boolean allowClientRenegotiation;
    private final int peerRekeyLimitPerMinute;
    private final int readBufferBytes;
    private final int writeWindowBytes;
    private final int sendPrefetch;
    private final Executor taskExecutor;
    private final Scheduler timer;
    private final ByteBufAllocator allocator;

    private TlsOptions(Builder b) {
        this.engineFactory = b.engineFactory;
        this.client = b.client;
        this.serverName = b.serverName;
        this.applicationProtocols = List.copyOf(b.applicationProtocols);
        this.hostnameVerification = b.hostnameVerification;
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = b.cipherSuites == null ? null : List.copyOf(b.cipherSuites);
        this.needClientAuth = b.needClientAuth;
        this.peerVerifier = b.peerVerifier;
        this.handshakeTimeout = b.handshakeTimeout;
        this.idleTimeout = b.idleTimeout;
        this.closeMode = b.closeMode;
        this.allowTruncation = b.allowTruncation;
        this.allowClientRenegotiation = b.allowClientRenegotiation;
        this.peerRekeyLimitPerMinute = b.peerRekeyLimitPerMinute;
        this.readBufferBytes = b.readBufferBytes;
        this.writeWindowBytes = b.writeWindowBytes;
        this.sendPrefetch = b.sendPrefetch;
        this.taskExecutor = b.taskExecutor;
        this.timer = b.timer;
        this.allocator = b.allocator;
    }

    /** A client over a JDK {@link SSLContext}; hostname verification is on. */
    public static Builder client(SSLContext context) {
        return new Builder(TlsEngineFactory.jdk(context), true);
    }

    /** A server over a JDK {@link SSLContext}. */
    public static Builder server(SSLContext context) {
        return new Builder(TlsEngineFactory.jdk(context), false);
    }

    /** A client or server (as the context says) over a Netty {@link SslContext}, e.g. OpenSSL. */
    public static Builder of(SslContext context) {
        return new Builder(TlsEngineFactory.netty(context), context.isClient());
    }

    /** A client or server over any engine factory. */
    public static Builder of(TlsEngineFactory factory, boolean client) {
        return new Builder(factory, client);
    }

    /** A builder with every value of this one. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public TlsEngineFactory engineFactory() { return engineFactory; }
    public boolean isClient() { return client; }
    /** SNI host name and the name verified against the server certificate; null to take the peer address. */
    public String serverName() { return serverName; }
    public List<String> applicationProtocols() { return applicationProtocols; }
    public boolean hostnameVerification() { return hostnameVerification; }
    public List<String> protocols() { return protocols; }
    /** Cipher suites to enable, or null for the engine's defaults. */
    public List<String> cipherSuites() { return cipherSuites; }
    public boolean needClientAuth() { return needClientAuth; }
    public PeerVerifier peerVerifier() { return peerVerifier; }
    public Duration handshakeTimeout() { return handshakeTimeout; }
    /** Null when there is no idle timeout. */
    public Duration idleTimeout() { return idleTimeout; }
    public CloseMode closeMode() { return closeMode; }
    public boolean allowTruncation() { return allowTruncation; }
    public boolean allowClientRenegotiation() { return allowClientRenegotiation; }
    public int peerRekeyLimitPerMinute() { return peerRekeyLimitPerMinute; }
    public int readBufferBytes() { return readBufferBytes; }
    public int writeWindowBytes() { return writeWindowBytes; }
    public int sendPrefetch() { return sendPrefetch; }
    public Executor taskExecutor() { return taskExecutor; }
    public Scheduler timer() { return timer; }
    /** Where the pump allocates plaintext and ciphertext buffers. */
    public ByteBufAllocator allocator() { return allocator; }

    /** Mutable, single-threaded builder; {@link #build()} validates. */
    public static final class Builder {
        private final TlsEngineFactory engineFactory;
        private final boolean client;
        private String serverName;
        private List<String> applicationProtocols = List.of();
        private boolean hostnameVerification;
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private List<String> cipherSuites;
        private boolean needClientAuth;
        private PeerVerifier peerVerifier = PeerVerifier.acceptAll();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout;
        private CloseMode closeMode = CloseMode.NOTIFY;
        private boolean allowTruncation;
        private boolean allowClientRenegotiation;
        private int peerRekeyLimitPerMinute = 1000;
        private int readBufferBytes = 64 * 1024;
        private int writeWindowBytes = 256 * 1024;
        private int sendPrefetch = 16;
        private Executor taskExecutor;
        private Scheduler timer;
        private ByteBufAllocator allocator = PumpAllocator.SHARED;

        private Builder(TlsEngineFactory engineFactory, boolean client) {
            this.engineFactory = Objects.requireNonNull(engineFactory, "engineFactory");
            this.client = client;
            this.hostnameVerification = client;
        }

        private Builder(TlsOptions o) {
            this.engineFactory = o.engineFactory;
            this.client = o.client;
            this.serverName = o.serverName;
            this.applicationProtocols = o.applicationProtocols;
            this.hostnameVerification = o.hostnameVerification;
            this.protocols = o.protocols;
            this.cipherSuites = o.cipherSuites;
            this.needClientAuth = o.needClientAuth;
            this.peerVerifier = o.peerVerifier;
            this.handshakeTimeout = o.handshakeTimeout;
            this.idleTimeout = o.idleTimeout;
            this.closeMode = o.closeMode;
            this.allowTruncation = o.allowTruncation;
            this.allowClientRenegotiation = o.allowClientRenegotiation;
            this.peerRekeyLimitPerMinute = o.peerRekeyLimitPerMinute;
            this.readBufferBytes = o.readBufferBytes;
            this.writeWindowBytes = o.writeWindowBytes;
            this.sendPrefetch = o.sendPrefetch;
            this.taskExecutor = o.taskExecutor;
            this.timer = o.timer;
            this.allocator = o.allocator;
        }

        /** The server's host name: sent as SNI and, with verification on, matched against its certificate. */
        public Builder serverName(String serverName) { this.serverName = serverName; return this; }
        /** ALPN protocols, in preference order (JDK engines; Netty contexts carry their own ALPN). */
        public Builder applicationProtocols(String... protocols) { this.applicationProtocols = List.of(protocols); return this; }
        /** Check that the server certificate matches the server name (default: on for clients). */
        public Builder hostnameVerification(boolean on) { this.hostnameVerification = on; return this; }
        /** Protocols to enable, among {@code TLSv1.3} and {@code TLSv1.2}. */
        public Builder protocols(String... protocols) { this.protocols = List.of(protocols); return this; }
        /** Cipher suites to enable (default: the engine's). */
        public Builder cipherSuites(String... suites) { this.cipherSuites = List.of(suites); return this; }
        /** Servers: require a client certificate (mutual TLS). */
        public Builder needClientAuth(boolean need) { this.needClientAuth = need; return this; }
        /** An extra check of the peer after the handshake, e.g. {@link PeerVerifier#issuer(String)}. */
        public Builder peerVerifier(PeerVerifier verifier) { this.peerVerifier = verifier; return this; }
        public Builder handshakeTimeout(Duration timeout) { this.handshakeTimeout = timeout; return this; }
        /** Fail both halves when no ciphertext moves either way for this long; null for none. */
        public Builder idleTimeout(Duration timeout) { this.idleTimeout = timeout; return this; }
        public Builder closeMode(CloseMode mode) { this.closeMode = mode; return this; }
        /** Treat EOF without {@code close_notify} as a normal end of the read half instead of an error. */
        public Builder allowTruncation(boolean allow) { this.allowTruncation = allow; return this; }
        /** Servers: accept TLS 1.2 renegotiations that the client starts (default: refused). */
        public Builder allowClientRenegotiation(boolean allow) { this.allowClientRenegotiation = allow; return this; }
        /** Most key updates / renegotiations the peer may start in any minute before the stream fails. */
        public Builder peerRekeyLimitPerMinute(int limit) { this.peerRekeyLimitPerMinute = limit; return this; }
        /**
         * Plaintext the stream reads ahead of the read half's demand before it stops reading the
         * transport. Checked before each transport read, so the bound is this plus what one read
         * brings (over Netty up to its max messages per read; docs/reliability.md, slow reader).
         */
        public Builder readBufferBytes(int bytes) { this.readBufferBytes = bytes; return this; }
        /** Ciphertext handed to the transport and not yet confirmed written, before the pump stops wrapping. */
        public Builder writeWindowBytes(int bytes) { this.writeWindowBytes = bytes; return this; }
        /** How many plaintext buffers the write half requests ahead from the publisher. */
        public Builder sendPrefetch(int buffers) { this.sendPrefetch = buffers; return this; }
        /** Where the engine's delegated tasks run (default: {@code Schedulers.boundedElastic()}); never an event loop. */
        public Builder taskExecutor(Executor executor) { this.taskExecutor = executor; return this; }
        /** Scheduler for the handshake and idle timers (default: {@code Schedulers.parallel()}). */
        public Builder timer(Scheduler timer) { this.timer = timer; return this; }
        /**
         * Where the pump allocates its buffers (default: one pooled allocator shared by all streams,
         * with a per-thread cache on every thread, Netty's or not). The pump runs on whichever thread
         * signals it (event loop, the sender's thread, a scheduler), so the allocator should not
         * depend on Netty's threads for its caches the way {@code PooledByteBufAllocator.DEFAULT} does.
         */
        public Builder allocator(ByteBufAllocator allocator) { this.allocator = allocator; return this; }

        public TlsOptions build() {
            Boolean fixed = engineFactory.fixedClientMode();
            if (fixed != null && fixed != client) {
                throw new IllegalArgumentException("engine factory makes " + (fixed ? "client" : "server")
                        + " engines but the options are for a " + (client ? "client" : "server"));
            }
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("protocols: at least one of " + SUPPORTED_PROTOCOLS + " is needed");
            }
            for (String p : protocols) {
                if (!SUPPORTED_PROTOCOLS.contains(p)) {
                    throw new IllegalArgumentException("protocols: '" + p + "' is not supported; use " + SUPPORTED_PROTOCOLS);
                }
            }
            for (String p : applicationProtocols) {
                if (p == null || p.isEmpty() || p.length() > 255) {
                    throw new IllegalArgumentException("applicationProtocols: '" + p + "' must be 1 to 255 characters");
                }
            }
            if (hostnameVerification && !client) {
                throw new IllegalArgumentException("hostnameVerification applies to clients only");
            }
            if (needClientAuth && client) {
                throw new IllegalArgumentException("needClientAuth applies to servers only");
            }
            requirePositive("handshakeTimeout", handshakeTimeout);
            if (idleTimeout != null) {
                requirePositive("idleTimeout", idleTimeout);
            }
            Objects.requireNonNull(closeMode, "closeMode");
            Objects.requireNonNull(peerVerifier, "peerVerifier");
            Objects.requireNonNull(allocator, "allocator");
            requireAtLeast("peerRekeyLimitPerMinute", peerRekeyLimitPerMinute, 0);
            requireAtLeast("readBufferBytes", readBufferBytes, 1);
            requireAtLeast("writeWindowBytes", writeWindowBytes, 1);
            requireAtLeast("sendPrefetch", sendPrefetch, 1);
            if (taskExecutor == null) {
                Scheduler tasks = Schedulers.boundedElastic();
                taskExecutor = task -> tasks.schedule(task);
            }
            if (timer == null) {
                timer = Schedulers.parallel();
            }
            return new TlsOptions(this);
        }

        private static void requirePositive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + ": must be positive, was " + d);
            }
        }

        private static void requireAtLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + ": must be at least " + min + ", was " + value);
            }
        }
    }
}
