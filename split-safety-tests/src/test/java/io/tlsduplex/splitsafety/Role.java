package io.tlsduplex.splitsafety;

/** Which side of the handshake the subject (the split under test) plays. */
public enum Role {
    CLIENT, SERVER;

    public Role other() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
