package io.tlsduplex.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** Turns a hang into a failure that says where everything stood. Timeouts here only bound hangs. */
public final class Hang {
    private Hang() {
    }

    public static <T> T await(Mono<T> mono, Duration limit, Supplier<String> state) {
        try {
            return mono.block(limit);
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Timeout on blocking read")) {
                throw new AssertionError("no result within " + limit + " (a hang)\n" + state.get() + "\n" + threadDump(), e);
            }
            throw e;
        }
    }

    public static String threadDump() {
        StringBuilder sb = new StringBuilder("thread dump:\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            sb.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState()).append('\n');
            StackTraceElement[] stack = t.getStackTrace();
            for (int i = 0; i < Math.min(stack.length, 12); i++) {
                sb.append("    at ").append(stack[i]).append('\n');
            }
        }
        return sb.toString();
    }
}
