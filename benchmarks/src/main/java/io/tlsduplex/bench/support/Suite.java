package io.tlsduplex.bench.support;

/**
 * A protocol and its one enabled cipher suite: every stack in a comparison is restricted to the
 * same one, so that a ratio compares the TLS layers and not the ciphers they happened to pick.
 */
public enum Suite {
    TLS13_AES128("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
    TLS13_AES256("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
    TLS12_AES128("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

    private final String protocol;
    private final String cipher;

    Suite(String protocol, String cipher) {
        this.protocol = protocol;
        this.cipher = cipher;
    }

    public String protocol() {
        return protocol;
    }

    public String cipher() {
        return cipher;
    }

    /** The suite for an ECDSA or an RSA server key (TLS 1.2 names the key type in the suite). */
    public String cipherFor(Pki.KeyType keyType) {
        if (this == TLS12_AES128 && keyType == Pki.KeyType.RSA) {
            return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        }
        return cipher;
    }
}
