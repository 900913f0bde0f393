package io.tlsduplex.bench.support;

/** The stacks the benchmarks compare; the enum names are the JMH {@code stack} parameter values. */
public enum StackKind {
    /** tls-duplex over reactor-netty TCP, JDK engine. */
    ADAPTER_JDK,
    /** tls-duplex over reactor-netty TCP, OpenSSL (BoringSSL) engine. */
    ADAPTER_OPENSSL,
    /** reactor-netty {@code secure()} (Netty SslHandler), JDK engine. */
    SECURE_JDK,
    /** reactor-netty {@code secure()} (Netty SslHandler), OpenSSL engine. */
    SECURE_OPENSSL,
    /** The JDK's blocking SSLSocket. */
    SSLSOCKET_JDK,
    /** reactor-netty TCP without TLS: the transport ceiling. */
    PLAIN_TCP,
    /** tls-duplex over the in-memory pair, JDK engine. */
    MEMORY_ADAPTER_JDK,
    /** tls-duplex over the in-memory pair, OpenSSL engine. */
    MEMORY_ADAPTER_OPENSSL;

    /** Only the client side, connecting to a server of the same kind in another process (TCP kinds). */
    public Stack clientOnly(Suite suite, int port) {
        return switch (this) {
            case ADAPTER_JDK -> new AdapterTcpStack(Engine.JDK, suite, false, null, port);
            case ADAPTER_OPENSSL -> new AdapterTcpStack(Engine.OPENSSL, suite, false, null, port);
            case SECURE_JDK -> new NettyStack(Engine.JDK, suite, false, port);
            case SECURE_OPENSSL -> new NettyStack(Engine.OPENSSL, suite, false, port);
            case PLAIN_TCP -> new NettyStack(null, suite, false, port);
            default -> throw new IllegalArgumentException(this + " has no client-only mode");
        };
    }

    public boolean overTcp() {
        return this != MEMORY_ADAPTER_JDK && this != MEMORY_ADAPTER_OPENSSL;
    }

    public Stack open(Suite suite, boolean echo) {
        return switch (this) {
            case ADAPTER_JDK -> new AdapterTcpStack(Engine.JDK, suite, echo);
            case ADAPTER_OPENSSL -> new AdapterTcpStack(Engine.OPENSSL, suite, echo);
            case SECURE_JDK -> new NettyStack(Engine.JDK, suite, echo);
            case SECURE_OPENSSL -> new NettyStack(Engine.OPENSSL, suite, echo);
            case SSLSOCKET_JDK -> new SslSocketStack(suite, echo);
            case PLAIN_TCP -> new NettyStack(null, suite, echo);
            case MEMORY_ADAPTER_JDK -> new MemoryAdapterStack(Engine.JDK, suite, echo);
            case MEMORY_ADAPTER_OPENSSL -> new MemoryAdapterStack(Engine.OPENSSL, suite, echo);
        };
    }
}
