package io.tlsduplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HelpTest {

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"demo", "connect", "serve", "fetch", "log-fanout", "log-follow"})
    void everySubcommandExplainsItselfWithHelp(String command) {
        Cli.Run run = Cli.run(command, "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("Usage: tls-duplex " + command);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"connect", "serve", "fetch", "log-follow"})
    void theTlsSubcommandsShareTheCommonOptions(String command) {
        Cli.Run run = Cli.run(command, "--help");

        assertThat(run.out()).contains("--cert", "--key", "--ca", "--require-client-cert", "--client-issuer",
                "--servername", "--insecure", "--tls1.2", "--tls1.3", "--close-mode", "--idle-timeout",
                "--handshake-timeout", "--engine");
    }

    @Test
    void noSubcommandIsAUsageErrorThatListsThem() {
        Cli.Run run = Cli.run();

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("demo", "connect", "serve", "fetch", "log-fanout", "log-follow");
    }
}
