package io.tlsduplex.bench.support;

/** Which SSLEngine does the TLS work. */
public enum Engine {
    /** The JDK's own TLS stack (SunJSSE). */
    JDK,
    /** BoringSSL through netty-tcnative-boringssl-static. */
    OPENSSL;

    public io.netty.handler.ssl.SslProvider provider() {
        return this == JDK ? io.netty.handler.ssl.SslProvider.JDK : io.netty.handler.ssl.SslProvider.OPENSSL;
    }
}
