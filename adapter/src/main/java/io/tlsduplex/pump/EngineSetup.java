package io.tlsduplex.pump;

import io.netty.buffer.ByteBufAllocator;
import io.tlsduplex.TlsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Creates and configures the connection's {@link SSLEngine} from {@link TlsOptions}. */
final class EngineSetup {
    private EngineSetup() {
    }

    static SSLEngine create(TlsOptions options, ByteBufAllocator alloc, String transportHost, int port) {
        String host = options.serverName() != null ? options.serverName() : transportHost;
        SSLEngine engine = options.engineFactory().newEngine(alloc, host, port);
        try {
            if (options.engineFactory().fixedClientMode() == null) {
                engine.setUseClientMode(options.isClient());
            }
            SSLParameters params = engine.getSSLParameters();
            params.setProtocols(enabledProtocols(engine, options));
            if (options.cipherSuites() != null) {
                params.setCipherSuites(options.cipherSuites().toArray(String[]::new));
            }
            if (options.isClient()) {
                if (host != null && isHostName(host)) {
                    params.setServerNames(List.of(new SNIHostName(host)));
                }
                if (options.hostnameVerification()) {
                    if (host == null) {
                        throw new IllegalArgumentException("hostname verification is on but no server name is known: "
                                + "set TlsOptions.serverName(...) or turn verification off");
                    }
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                }
            } else if (options.needClientAuth()) {
                params.setNeedClientAuth(true);
            }
            if (!options.applicationProtocols().isEmpty()) {
                params.setApplicationProtocols(options.applicationProtocols().toArray(String[]::new));
            }
            engine.setSSLParameters(params);
            return engine;
        } catch (RuntimeException e) {
            io.netty.util.ReferenceCountUtil.release(engine);
            throw e;
        }
    }

    private static String[] enabledProtocols(SSLEngine engine, TlsOptions options) {
        List<String> supported = Arrays.asList(engine.getSupportedProtocols());
        List<String> enabled = new ArrayList<>();
        for (String p : options.protocols()) {
            if (supported.contains(p)) {
                enabled.add(p);
            }
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("none of the protocols " + options.protocols()
                    + " is supported by this engine (it supports " + supported + ")");
        }
        return enabled.toArray(String[]::new);
    }

    /** SNI carries DNS names only, never IP literals (RFC 6066 section 3). */
    private static boolean isHostName(String host) {
        return !host.isEmpty() && !Character.isDigit(host.charAt(host.length() - 1)) && host.indexOf(':') < 0;
    }

    /** Whether the engine is a native one that works best on direct buffers. */
    static boolean prefersDirectBuffers(SSLEngine engine) {
        // The OpenSSL engines of netty-tcnative are reference counted; the JDK's are not.
        return engine instanceof io.netty.util.ReferenceCounted;
    }
}
