package io.tlsduplex.internal;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What tls-duplex tells BlockHound (loaded through {@code ServiceLoader} when BlockHound is
 * installed; BlockHound is an optional dependency).
 *
 * <p>{@code SSLEngine.beginHandshake()} of the JDK engine draws the ClientHello random from
 * {@code NativePRNG}, which refills its buffer from {@code /dev/urandom} with a file read. That read
 * never blocks; it is the same read Netty allows inside {@code SslHandler.handshake} and
 * {@code SSLEngineImpl.wrap/unwrap}. Everything that can truly block (certificate checks, key
 * generation: the engine's delegated tasks) runs on the task executor, never on the loop.
 *
 * <p>The in-memory transport, given an executor for its deliveries, hands each one to it with
 * {@code execute}, which may wait for that executor's queue lock: the user's executor, not ours.
 */
public final class TlsDuplexBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("sun.security.ssl.SSLEngineImpl", "beginHandshake");
        // the in-memory transport handing a delivery to the user's executor (its queue's lock)
        builder.allowBlockingCallsInside("io.tlsduplex.transport.MemoryPipe", "handOff");
    }
}
