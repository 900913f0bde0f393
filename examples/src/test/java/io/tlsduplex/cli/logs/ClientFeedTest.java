package io.tlsduplex.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** One client's queue in {@code log-fanout}: what each overflow policy does to a client that does not read. */
class ClientFeedTest {
    private static final Duration HANG = Duration.ofSeconds(10);

    @Test
    void disconnectPolicyEndsTheFeedWithAnErrorOnTheFirstLineThatDoesNotFit() {
        ClientFeed feed = new ClientFeed(2, ClientFeed.Overflow.disconnect);
        StepVerifier.create(feed.lines(), 0)
                .then(() -> {
                    assertThat(feed.offer("one")).isTrue();
                    assertThat(feed.offer("two")).isTrue();
                    assertThat(feed.offer("three")).as("the third line overflows a queue of 2").isFalse();
                    assertThat(feed.offer("four")).as("a disconnected feed takes nothing more").isFalse();
                })
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("too slow: more than 2 lines queued"))
                .verify(HANG);
        assertThat(feed.dropped()).isEqualTo(1);
        assertThat(feed.sent()).isZero();
    }

    @Test
    void dropOldestPolicyKeepsTheNewestLinesAndTellsTheClientHowManyWereDropped() {
        ClientFeed feed = new ClientFeed(2, ClientFeed.Overflow.drop_oldest);
        StepVerifier.create(feed.lines(), 0)
                .then(() -> {
                    for (String line : new String[] {"one", "two", "three", "four"}) {
                        assertThat(feed.offer(line)).isTrue();
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .assertNext(line("tls-duplex log-fanout: 2 lines dropped (client too slow)"))
                .assertNext(line("three"))
                .assertNext(line("four"))
                .then(feed::close)
                .expectComplete()
                .verify(HANG);
        assertThat(feed.dropped()).isEqualTo(2);
        assertThat(feed.sent()).isEqualTo(2);
    }

    @Test
    void closingTheFeedSendsTheQueuedLinesBeforeCompleting() {
        ClientFeed feed = new ClientFeed(8, ClientFeed.Overflow.disconnect);
        StepVerifier.create(feed.lines(), 0)
                .then(() -> {
                    feed.offer("last words");
                    feed.close();
                })
                .thenRequest(1)
                .assertNext(line("last words"))
                .expectComplete()
                .verify(HANG);
    }

    private static Consumer<ByteBuf> line(String expected) {
        return buf -> {
            try {
                assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(expected + "\n");
            } finally {
                buf.release();
            }
        };
    }
}
