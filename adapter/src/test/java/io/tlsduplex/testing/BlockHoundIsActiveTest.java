package io.tlsduplex.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The no-blocking guarantee is only as good as its detector: prove BlockHound is installed in this
 * test JVM and flags a blocking call on a Reactor non-blocking thread and on a Netty event loop.
 */
class BlockHoundIsActiveTest {

    @Test
    void sleepingOnAParallelSchedulerThreadIsReportedAsBlocking() {
        Throwable error = Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                })
                .subscribeOn(Schedulers.parallel())
                .map(s -> (Throwable) null)
                .onErrorResume(Mono::just)
                .block(Duration.ofSeconds(10));
        assertThat(error).isNotNull();
        assertThat(error.getClass().getName()).isEqualTo("reactor.blockhound.BlockingOperationError");
    }

    @Test
    void sleepingOnANettyEventLoopIsReportedAsBlocking() throws Exception {
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            CompletableFuture<Throwable> result = new CompletableFuture<>();
            group.execute(() -> {
                try {
                    Thread.sleep(1);
                    result.complete(null);
                } catch (Throwable t) {
                    result.complete(t);
                }
            });
            Throwable error = result.get(10, TimeUnit.SECONDS);
            assertThat(error).isNotNull();
            assertThat(error.getClass().getName()).isEqualTo("reactor.blockhound.BlockingOperationError");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
