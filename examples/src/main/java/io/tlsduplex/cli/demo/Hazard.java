package io.tlsduplex.cli.demo;

import io.tlsduplex.TlsOptions;
import reactor.core.publisher.Mono;

/** One classic hazard of a split TLS stream, played between a client and a server end. */
interface Hazard {

    /** What the result line calls it. */
    String name();

    /** {@code TLSv1.3} or {@code TLSv1.2}: the hazard only exists in one of them. */
    String protocol();

    /**
     * Plays the hazard on freshly connected ends; completes once both ends have closed cleanly.
     * {@code client} and {@code server} are the counters the progress line shows.
     */
    Mono<Outcome> play(DemoLink.Ends ends, Received atServer, Received atClient);

    /** Lets a hazard adjust the options of its ends (e.g. allow a storm of key updates). */
    default TlsOptions.Builder clientOptions(TlsOptions.Builder b) {
        return b;
    }

    default TlsOptions.Builder serverOptions(TlsOptions.Builder b) {
        return b;
    }

    /** What one run showed; {@code expectedUp/Down} are what was sent, {@code detail} counts the hazard's events. */
    record Outcome(long expectedUp, long expectedDown, boolean sha256Match, String detail) { }
}
