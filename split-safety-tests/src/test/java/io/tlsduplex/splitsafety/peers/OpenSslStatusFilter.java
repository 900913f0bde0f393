package io.tlsduplex.splitsafety.peers;

import java.util.Arrays;

/**
 * Separates the data openssl s_server/s_client print from their status output on one standard
 * output. The data are {@link io.tlsduplex.testing.Payload#digitLines digit lines}; a status line
 * ("Read BLOCK", "SSL_do_handshake -> 1", the session banner, ...) starts with something else and
 * runs to its newline, possibly in the middle of a data line (openssl prints each read as it
 * comes). PEM blocks in a banner are skipped whole (a base64 line may start with a digit); empty
 * lines are status (the data have none).
 */
final class OpenSslStatusFilter {
    private final StringBuilder status = new StringBuilder();
    private boolean inStatus;
    private boolean inPem;
    private byte lastData = '\n';
    private long statusLines;
    private String lastStatus = "";

    /** The data bytes among {@code length} bytes of output. */
    synchronized byte[] data(byte[] output, int length) {
        byte[] data = new byte[length];
        int n = 0;
        for (int i = 0; i < length; i++) {
            byte c = output[i];
            if (inStatus) {
                if (c == '\n') {
                    endStatus();
                } else if (status.length() < 200) {
                    status.append((char) (c & 0xff));
                }
            } else if (c == '\n') {
                if (lastData != '\n' && !inPem) {
                    data[n++] = c;
                    lastData = c;
                }
            } else if (c >= '0' && c <= '9' && !inPem) {
                data[n++] = c;
                lastData = c;
            } else {
                inStatus = true;
                status.setLength(0);
                status.append((char) (c & 0xff));
            }
        }
        return n == length ? data : Arrays.copyOf(data, n);
    }

    private void endStatus() {
        inStatus = false;
        statusLines++;
        lastStatus = status.toString();
        if (lastStatus.startsWith("-----BEGIN")) {
            inPem = true;
        } else if (lastStatus.startsWith("-----END")) {
            inPem = false;
        }
    }

    synchronized String describe() {
        return statusLines + " status lines left out (last: '" + lastStatus + "')" + (inPem ? ", inside a PEM block" : "");
    }
}
