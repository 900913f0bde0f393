package io.tlsduplex.splitsafety;

import java.util.function.Consumer;

/**
 * A connected subject and peer, with the two ways to corrupt the ciphertext stream between them.
 *
 * @param towardSubject writes raw bytes that the subject receives as if the peer sent them
 *                      (between two of the peer's records)
 * @param towardPeer    writes raw bytes that the peer receives as if the subject sent them
 * @param cleanup       tears everything down (disposes both, stops processes); idempotent
 */
public record Wiring(SplitEndpoint subject, SplitEndpoint peer, Consumer<byte[]> towardSubject,
                     Consumer<byte[]> towardPeer, AutoCloseable cleanup) implements AutoCloseable {

    /** Both ends' state, for hang reports. */
    public String describe() {
        return "subject (" + subject + ") " + subject.describe() + "\npeer (" + peer + ") " + peer.describe();
    }

    @Override
    public void close() throws Exception {
        try {
            subject.dispose();
        } finally {
            try {
                peer.dispose();
            } finally {
                cleanup.close();
            }
        }
    }
}
