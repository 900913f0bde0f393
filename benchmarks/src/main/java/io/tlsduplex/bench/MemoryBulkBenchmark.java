package io.tlsduplex.bench;

import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import org.openjdk.jmh.annotations.Param;

/**
 * The adapter over the in-memory pair (inline delivery: one thread wraps, moves and unwraps), one
 * direction. Held against {@link EngineCeilingBenchmark}, which does the same engine work with no
 * adapter at all, this is the adapter's own cost. Score: MiB/s.
 */
public class MemoryBulkBenchmark extends OneConnectionBenchmark {

    @Param({"MEMORY_ADAPTER_JDK", "MEMORY_ADAPTER_OPENSSL"})
    public StackKind stack;

    @Param({"TLS13_AES128", "TLS13_AES256", "TLS12_AES128"})
    public Suite suite;

    @Override
    protected Stack open() {
        return stack.open(suite, false);
    }
}
