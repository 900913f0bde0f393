package io.tlsduplex;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Makes one {@link SSLEngine} per connection. The pump configures mode, protocols, SNI, ALPN and
 * hostname verification on the engine afterwards, from {@link TlsOptions}.
 *
 * <p>Called once per stream, on the thread that creates the stream.
 */
@FunctionalInterface
public interface TlsEngineFactory {

    /**
     * @param alloc    the transport's allocator (Netty engines allocate from it)
     * @param peerHost the peer's host name for SNI, session resumption and verification; may be null
     * @param peerPort the peer's port, or -1 when unknown
     */
    SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort);

    /** Whether this factory's engines are client engines by construction (Netty contexts), else null. */
    default Boolean fixedClientMode() {
        return null;
    }

    /** Engines from a JDK {@link SSLContext} (the JDK's own TLS stack). */
    static TlsEngineFactory jdk(SSLContext context) {
        return (alloc, host, port) -> host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
    }

    /**
     * Engines from a Netty {@link SslContext}: the JDK provider or OpenSSL/BoringSSL through
     * netty-tcnative. ALPN, client authentication and trust are configured on the context itself.
     */
    static TlsEngineFactory netty(SslContext context) {
        return new TlsEngineFactory() {
            @Override
            public SSLEngine newEngine(ByteBufAllocator alloc, String host, int port) {
                return host == null ? context.newEngine(alloc) : context.newEngine(alloc, host, port);
            }

            @Override
            public Boolean fixedClientMode() {
                return context.isClient();
            }
        };
    }
}
