package io.tlsduplex.pump;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.testing.MemoryTls;
import io.tlsduplex.testing.Payload;
import io.tlsduplex.testing.TestPki;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** TLS 1.3 half-close with netty-tcnative's OpenSSL engine on our side. */
class OpenSslHalfCloseTest {

    @Test
    void openSslClientThatFinishedItsWriteHalfStillReadsEverythingTheServerSends() {
        TlsOptions client = TlsOptions.of(TestPki.shared().nettyClientContext(SslProvider.OPENSSL))
                .serverName("localhost").protocols("TLSv1.3").build();
        try (MemoryTls tls = MemoryTls.connect(client, MemoryTls.serverOptions("TLSv1.3").build())) {
            Payload down = Payload.of(9, 256 * 1024);
            tls.await(tls.client().handshake().then(tls.client().writer().finish()), Duration.ofSeconds(20));
            tls.await(tls.server().reader().receive().doOnNext(b -> b.release()).then(), Duration.ofSeconds(20));
            Mono<Void> serverSends = tls.server().writer().send(down.buffers()).then(tls.server().writer().finish());
            var r = tls.await(Mono.zip(Payload.digestOf(tls.client().reader().receive()), serverSends.thenReturn(1)),
                    Duration.ofSeconds(30));
            assertThat(r.getT1()).isEqualTo(new Payload.Digest(down.sha256(), down.size()));
        }
    }
}
