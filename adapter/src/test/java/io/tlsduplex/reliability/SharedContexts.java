package io.tlsduplex.reliability;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.testing.TestPki;
import javax.net.ssl.SSLContext;

/**
 * The shared PKI's JDK contexts built once. {@code TestPki.serverContext()} makes a new PKCS12
 * key store each call, and protecting its key costs a PBKDF2 run: the per-case cost that
 * dominated the fuzz and load runs. Same options as {@code MemoryTls.clientOptions/serverOptions}.
 */
final class SharedContexts {
    private static final SSLContext CLIENT = TestPki.shared().clientContext();
    private static final SSLContext SERVER = TestPki.shared().serverContext();

    private SharedContexts() {
    }

    static TlsOptions.Builder clientOptions(String protocol) {
        return TlsOptions.client(CLIENT).serverName("localhost").protocols(protocol);
    }

    static TlsOptions.Builder serverOptions(String protocol) {
        return TlsOptions.server(SERVER).protocols(protocol);
    }
}
