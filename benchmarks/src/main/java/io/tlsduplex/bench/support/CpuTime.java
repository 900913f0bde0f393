package io.tlsduplex.bench.support;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time the whole benchmark JVM used during an iteration (both ends of every connection,
 * event loops, GC, JIT), reported by JMH as {@code cpuMs} per second next to the score. Dividing
 * the score by it gives work per CPU-second: on a machine shared with other jobs the wall-clock
 * score depends on how much CPU the fork happened to get, the per-CPU-second figure much less.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Milliseconds of process CPU time since the iteration started. */
    public double cpuMs;
    private long start;

    @Setup(Level.Iteration)
    public void start() {
        cpuMs = 0;
        start = OS.getProcessCpuTime();
    }

    /** Called after every invocation; the last value of the iteration is what JMH reports. */
    public void update() {
        cpuMs = (OS.getProcessCpuTime() - start) / 1e6;
    }
}
