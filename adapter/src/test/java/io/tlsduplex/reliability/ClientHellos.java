package io.tlsduplex.reliability;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Hand-made ClientHello records of peers we refuse: one that speaks TLS 1.1 at most, and a TLS 1.2
 * one offering only broken cipher suites. (No modern JDK or OpenSSL can be made to send them: their
 * own policies refuse, which is the point.)
 */
final class ClientHellos {
    private ClientHellos() {
    }

    /** client_version TLS 1.1, no supported_versions: a peer that knows nothing newer. */
    static byte[] tls11Only() {
        return hello(0x0302, new int[] {0xC009, 0xC013, 0x002F, 0x0035}, false);
    }

    /** TLS 1.2 offering only RC4, 3DES, NULL and anonymous suites. */
    static byte[] tls12WeakSuitesOnly() {
        return hello(0x0303, new int[] {0x0005, 0x000A, 0x0002, 0x0018, 0xC011, 0xC007}, true);
    }

    private static byte[] hello(int version, int[] suites, boolean signatureAlgorithms) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        byte[] random = new byte[32];
        new SplittableRandom(1).nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        u16(body, suites.length * 2);
        for (int s : suites) {
            u16(body, s);
        }
        body.write(1);
        body.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x000a); // supported_groups: secp256r1
        u16(ext, 4);
        u16(ext, 2);
        u16(ext, 0x0017);
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        if (signatureAlgorithms) {
            u16(ext, 0x000d); // ecdsa_secp256r1_sha256, rsa_pkcs1_sha256
            u16(ext, 6);
            u16(ext, 4);
            u16(ext, 0x0403);
            u16(ext, 0x0401);
        }
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22);
        u16(record, 0x0301); // legacy record version, as real clients send
        u16(record, body.size() + 4);
        record.write(1); // client_hello
        record.write(0);
        u16(record, body.size());
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
