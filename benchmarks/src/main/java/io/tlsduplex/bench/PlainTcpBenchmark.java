package io.tlsduplex.bench;

import io.tlsduplex.bench.support.CpuTime;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import io.tlsduplex.bench.support.Transfer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * The transport ceiling: the same bulk transfer as {@link BulkBenchmark} over reactor-netty TCP
 * without TLS. Score: MiB/s (both directions added in {@code bothWays}).
 */
public class PlainTcpBenchmark extends OneConnectionBenchmark {

    @Override
    protected Stack open() {
        return StackKind.PLAIN_TCP.open(Suite.TLS13_AES128, false);
    }

    /** Both directions at once on the same connection. Score: MiB/s, both directions added. */
    @Benchmark
    @OperationsPerInvocation(2 * Transfer.MIB_PER_DIRECTION)
    public void bothWays(CpuTime cpu) {
        Transfer.bothWays(client, server, payload);
        cpu.update();
    }
}
