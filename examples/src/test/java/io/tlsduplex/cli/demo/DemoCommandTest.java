package io.tlsduplex.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.cli.Cli;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void demoOverTheMemoryPairPassesEveryHazardAndExitsZero() {
        Cli.Run run = Cli.run("demo", "--transport", "memory", "--size", "2");

        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("KeyUpdate storm").contains("200 key updates")
                .contains("renegotiation").contains("4 renegotiations")
                .contains("half-close")
                .contains("all 3 hazards passed");
        assertThat(run.out().lines().filter(l -> l.contains("PASS"))).hasSize(3);
        assertThat(run.out().lines().filter(l -> l.contains("PASS")))
                .allSatisfy(l -> assertThat(l).contains("2.0 MiB").contains("match"));
    }

    @Test
    void demoOverLoopbackTcpPassesEveryHazardAndExitsZero() {
        Cli.Run run = Cli.run("demo", "--size", "2", "--key-updates", "50");

        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("loopback TCP 127.0.0.1:").contains("50 key updates")
                .contains("all 3 hazards passed");
        assertThat(run.out().lines().filter(l -> l.contains("PASS"))).hasSize(3);
    }

    @Test
    void demoWritesNoProgressLineWhenItsOutputIsNotATerminal() {
        Cli.Run run = Cli.run("demo", "--transport", "memory", "--size", "1");

        assertThat(run.out()).doesNotContain("\r");
    }

    @Test
    void demoHelpDescribesTheHazards() {
        Cli.Run run = Cli.run("demo", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("KeyUpdate storm").contains("--transport");
    }
}
