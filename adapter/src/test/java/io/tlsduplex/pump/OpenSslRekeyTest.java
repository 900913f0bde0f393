package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** What keyUpdate() does on netty-tcnative's OpenSSL engine, which has no public way to start one. */
class OpenSslRekeyTest {

    @Test
    void keyUpdateOnTheOpenSslEngineEndsWithAClearErrorAndTheStreamStaysUsable() {
        TestPki pki = TestPki.shared();
        TlsOptions client = TlsOptions.of(pki.nettyClientContext(SslProvider.OPENSSL)).serverName("localhost").build();
        try (MemoryTls tls = MemoryTls.connect(client, MemoryTls.serverOptions("TLSv1.3").build())) {
            tls.await(tls.client().handshake(), Duration.ofSeconds(20));
            Throwable e = tls.await(tls.client().keyUpdate().then(Mono.<Throwable>empty()).onErrorResume(Mono::just),
                    Duration.ofSeconds(20));
            assertThat(e).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot start a KeyUpdate");
            tls.await(tls.client().writer().sendBytes(Mono.just(new byte[]{7})), Duration.ofSeconds(20));
            assertThat(tls.await(tls.server().reader().receiveBytes().next(), Duration.ofSeconds(20))).containsExactly(7);
        }
    }
}
