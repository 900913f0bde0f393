package io.tlsduplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A smoke test, not a measurement: every benchmark method runs once, in this JVM, with one
 * combination of its parameters (and every stack at least once), so the module cannot rot. There
 * are no timing assertions here; the figures come from {@code benchmarks/run.sh}.
 */
class EveryBenchmarkRunsOnceTest {

    private static ChainedOptionsBuilder once(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(1))
                .shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        // a benchmark run in progress on this machine must not fail the build (JMH allows one run at a time)
        System.setProperty("jmh.ignoreLock", "true");
        return new Runner(options.build()).run();
    }

    @Test
    void bulkTransfersRunOverEveryTcpStack() throws RunnerException {
        Collection<RunResult> results = run(once("io.tlsduplex.bench.BulkBenchmark")
                .param("suite", "TLS13_AES128"));
        assertThat(results).hasSize(5 * 2);
    }

    @Test
    void plainTcpAndInMemoryBulkTransfersRun() throws RunnerException {
        assertThat(run(once("io.tlsduplex.bench.PlainTcpBenchmark"))).hasSize(2);
        assertThat(run(once("io.tlsduplex.bench.MemoryBulkBenchmark").param("suite", "TLS12_AES128"))).hasSize(2);
    }

    @Test
    void engineCeilingRunsForBothEngines() throws RunnerException {
        // BoringSSL cannot be restricted to TLS_AES_256_GCM_SHA384, so that pair is left out (see the doc)
        assertThat(run(once("io.tlsduplex.bench.EngineCeilingBenchmark").param("suite", "TLS13_AES128", "TLS12_AES128")))
                .hasSize(2 * 2 * 2); // engines x suites x reused/fresh buffers
    }

    @Test
    void echoRoundTripsRunOverEveryStack() throws RunnerException {
        assertThat(run(once("io.tlsduplex.bench.EchoBenchmark").param("connections", "1", "64"))).hasSize(5 * 2);
    }

    @Test
    void fullAndResumedHandshakesRunForBothEngines() throws RunnerException {
        assertThat(run(once("io.tlsduplex.bench.HandshakeBenchmark").param("key", "EC"))).hasSize(2 * 2 * 2);
    }

    @Test
    void theSplitPathRunsInEveryMode() throws RunnerException {
        assertThat(run(once("io.tlsduplex.bench.SplitBenchmark"))).hasSize(SplitBenchmark.Mode.values().length);
    }

    @Test
    void idleMemoryIsMeasuredInMemoryAndAcrossProcesses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("idle.json");
        IdleMemory.main(new String[] {out.toString(), "MEMORY_ADAPTER_JDK,ADAPTER_JDK", "5"});
        String json = Files.readString(out);
        assertThat(json).contains("\"stack\": \"MEMORY_ADAPTER_JDK\"", "\"side\": \"server\"", "\"side\": \"client\"");
    }
}
