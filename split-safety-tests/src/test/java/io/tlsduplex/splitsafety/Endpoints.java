package io.tlsduplex.splitsafety;

import io.tlsduplex.CloseMode;
import io.tlsduplex.TlsOptions;
import io.tlsduplex.testing.MemoryTls;

/** The TLS options of the subject and of an adapter peer for a cell. */
public final class Endpoints {
    private Endpoints() {
    }

    public static TlsOptions subjectOptions(Cell cell) {
        TlsOptions.Builder b = builder(cell.role(), cell.protocol());
        if (cell.role() == Role.SERVER && cell.event().serverAllowsClientRenegotiation()) {
            b.allowClientRenegotiation(true);
        }
        if (cell.event() == Event.WE_CLOSE_FIRST_EOF) {
            b.closeMode(CloseMode.EOF);
        }
        return b.build();
    }

    public static TlsOptions peerOptions(Cell cell) {
        Role role = cell.role().other();
        TlsOptions.Builder b = builder(role, cell.protocol());
        if (role == Role.SERVER && cell.event().serverAllowsClientRenegotiation()) {
            b.allowClientRenegotiation(true);
        }
        if (cell.event() == Event.WE_CLOSE_FIRST_EOF) {
            b.allowTruncation(true);
        }
        return b.build();
    }

    private static TlsOptions.Builder builder(Role role, String protocol) {
        return role == Role.CLIENT ? MemoryTls.clientOptions(protocol) : MemoryTls.serverOptions(protocol);
    }
}
