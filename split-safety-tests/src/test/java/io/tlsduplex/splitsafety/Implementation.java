package io.tlsduplex.splitsafety;

import io.tlsduplex.TlsOptions;
import io.tlsduplex.splitsafety.naive.NaiveSplitTls;
import io.tlsduplex.transport.CiphertextTransport;
import java.time.Duration;

/** The split implementations under test: the adapter, and the naive split that must fail. */
public enum Implementation {
    /** tls-duplex: one pump drives the engine for both halves. */
    ADAPTER(Duration.ofSeconds(60)),
    /** Each half drives the engine on its own (the tokio-native-tls split); a hang is expected, so it is bounded short. */
    NAIVE(Duration.ofSeconds(3));

    private final Duration bound;

    Implementation(Duration bound) {
        this.bound = bound;
    }

    /** How long a cell may take before it counts as a hang. */
    public Duration bound() {
        String override = System.getProperty("splitsafety.bound." + label());
        return override == null ? bound : Duration.parse(override);
    }

    public SplitEndpoint over(CiphertextTransport transport, TlsOptions options) {
        return switch (this) {
            case ADAPTER -> AdapterEndpoint.over(transport, options);
            case NAIVE -> NaiveSplitTls.over(transport, options);
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
