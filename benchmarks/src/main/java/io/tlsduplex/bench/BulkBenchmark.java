package io.tlsduplex.bench;

import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.bench.support.Transfer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * Bulk throughput over loopback TCP, 16 KiB writes, one connection: the adapter against
 * reactor-netty {@code secure()} with the same engine and cipher suite, and against the JDK's
 * blocking {@code SSLSocket}. The score is MiB/s of plaintext delivered, summed over both
 * directions in {@code bothWays}. {@link PlainTcpBenchmark} is the ceiling without TLS.
 */
public class BulkBenchmark extends OneConnectionBenchmark {

    @Param({"ADAPTER_JDK", "ADAPTER_OPENSSL", "SECURE_JDK", "SECURE_OPENSSL", "SSLSOCKET_JDK"})
    public StackKind stack;

    @Param({"TLS13_AES128", "TLS13_AES256", "TLS12_AES128"})
    public Suite suite;

    @Override
    protected Stack open() {
        return stack.open(suite, false);
    }

    /** Both directions at once on the same connection. Score: MiB/s, both directions added. */
    @Benchmark
    @OperationsPerInvocation(2 * Transfer.MIB_PER_DIRECTION)
    public void bothWays(CpuTime cpu) {
        Transfer.bothWays(client, server, payload);
        cpu.update();
    }
}
