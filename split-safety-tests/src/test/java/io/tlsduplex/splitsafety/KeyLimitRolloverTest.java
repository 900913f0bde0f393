package io.tlsduplex.splitsafety;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsduplex.splitsafety.peers.MemoryAdapterPeer;
import java.security.Security;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys rolled by volume: {@code jdk.tls.keyLimits} is a JVM-wide security property read once, so this
 * class runs in its own surefire execution (see the module's pom) and sets it to 2^16 bytes per key
 * before anything in that JVM uses TLS. Both directions then send a KeyUpdate every 64 KiB without anyone asking, in the middle of
 * the stream, whichever half happens to be idle.
 */
class KeyLimitRolloverTest {
    static {
        // Read once, when the JDK's TLS ciphers initialise: this class runs first and alone in its JVM.
        Security.setProperty("jdk.tls.keyLimits", "AES/GCM/NoPadding KeyUpdate 2^16, ChaCha20-Poly1305 KeyUpdate 2^16");
    }

    private static final long BYTES = 2L << 20;

    @Test
    void thisJvmRollsKeysEvery64KiB() {
        assertThat(Security.getProperty("jdk.tls.keyLimits")).contains("KeyUpdate 2^16");
    }

    @ParameterizedTest(name = "{0}: 2 MiB each way across ~32 automatic KeyUpdates arrive intact")
    @EnumSource(Usage.class)
    void theAdapterCarriesStreamsAcrossAutomaticKeyUpdates(Usage usage) throws Exception {
        CellRun.run(new Cell(MemoryAdapterPeer.INSTANCE, Event.STREAMING, usage, Condition.RANDOM_CHUNKS, Role.CLIENT, BYTES, 77),
                Implementation.ADAPTER);
    }

    /** The control: the peer's automatic KeyUpdate asks for ours, which the naive reader never writes. */
    @Test
    void theNaiveSplitHangsWhenOnlyReadingAcrossAnAutomaticKeyUpdate() {
        CellRun.Outcome outcome = CellRun.outcome(
                new Cell(MemoryAdapterPeer.INSTANCE, Event.STREAMING, Usage.READ_ONLY, Condition.WHOLE_RECORDS, Role.CLIENT, BYTES, 78),
                Implementation.NAIVE);
        assertThat(outcome.result()).as(outcome.toString()).isEqualTo(CellRun.Outcome.Result.HANG);
    }
}
