package io.tlsduplex.splitsafety.peers;

import io.tlsduplex.splitsafety.Cell;
import io.tlsduplex.splitsafety.Role;
import io.tlsduplex.testing.OpenSslMessageLog;

/**
 * What openssl's message log must show at the end of a cell: that openssl really saw or did the
 * cell's event, and the subject's part in it (its answer to K, its new handshake, its close_notify).
 */
final class OpenSslEvidence {
    private OpenSslEvidence() {
    }

    static void check(Cell cell, OpenSslMessageLog log) {
        boolean weAreClient = cell.role() == Role.CLIENT;
        switch (cell.event()) {
            case PEER_KEY_UPDATE_REQUESTED -> {
                atLeast(log, ">>>", "KeyUpdate", 1, "openssl's KeyUpdate(update_requested)");
                atLeast(log, "<<<", "KeyUpdate", 1, "the subject's answer");
            }
            case PEER_KEY_UPDATE_BURST -> {
                atLeast(log, ">>>", "KeyUpdate", 100, "openssl's 100 KeyUpdate(update_requested)");
                atLeast(log, "<<<", "KeyUpdate", 100, "the subject's 100 answers");
            }
            case PEER_KEY_UPDATE_NOT_REQUESTED -> {
                atLeast(log, ">>>", "KeyUpdate", 1, "openssl's KeyUpdate(update_not_requested)");
                exactly(log, "<<<", "KeyUpdate", 0, "no answer to a KeyUpdate that did not ask for one");
            }
            case OUR_KEY_UPDATE -> atLeast(log, "<<<", "KeyUpdate", 1, "the subject's KeyUpdate");
            case SERVER_RENEGOTIATION -> {
                atLeast(log, weAreClient ? ">>>" : "<<<", "HelloRequest", 1, "the server's HelloRequest");
                renegotiated(log);
            }
            case CLIENT_RENEGOTIATION -> {
                atLeast(log, weAreClient ? "<<<" : ">>>", "ClientHello", 2, "the client's second ClientHello");
                renegotiated(log);
            }
            default -> {
            }
        }
        if (log.alerts("<<<", "close_notify") < 1) {
            throw new AssertionError("openssl's message log shows no close_notify from the subject:\n" + log.describe());
        }
    }

    private static void renegotiated(OpenSslMessageLog log) {
        atLeast(log, "<<<", "Finished", 2, "a second Finished received (the renegotiation finished)");
        atLeast(log, ">>>", "Finished", 2, "a second Finished sent");
    }

    private static void atLeast(OpenSslMessageLog log, String direction, String message, long n, String what) {
        long seen = log.handshakes(direction, message);
        if (seen < n) {
            throw new AssertionError("openssl's message log: " + what + ": expected at least " + n + " x '" + direction + " "
                    + message + "', saw " + seen + "\n" + log.describe());
        }
    }

    private static void exactly(OpenSslMessageLog log, String direction, String message, long n, String what) {
        long seen = log.handshakes(direction, message);
        if (seen != n) {
            throw new AssertionError("openssl's message log: " + what + ": expected " + n + " x '" + direction + " "
                    + message + "', saw " + seen + "\n" + log.describe());
        }
    }
}
