package io.tlsduplex.pump;

/** The write half's view of its buffers: told when the pump has taken (wrapped) them. */
@FunctionalInterface
public interface PlaintextSource {
    /** Called on the pump's drain thread when one buffer from this source was fully wrapped. */
    void onTaken();
}
