package io.tlsduplex.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

/** Finds threads stuck inside tls-duplex code: after a stream ended, none may be left waiting there. */
final class Threads {
    private Threads() {
    }

    /**
     * Threads other than the caller that are BLOCKED, WAITING or TIMED_WAITING with a tls-duplex
     * main-code frame on their stack (test helpers and the JUnit timeout thread do not count).
     */
    static List<String> blockedInAdapter() {
        List<String> stuck = new ArrayList<>();
        long self = Thread.currentThread().getId();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (t.getThreadId() == self || t.getThreadState() == Thread.State.RUNNABLE
                    || t.getThreadState() == Thread.State.TERMINATED) {
                continue;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                String c = frame.getClassName();
                if (c.startsWith("io.tlsduplex.") && !c.startsWith("io.tlsduplex.reliability.")
                        && !c.startsWith("io.tlsduplex.testing.")) {
                    stuck.add(t.getThreadName() + " " + t.getThreadState() + " at " + frame);
                    break;
                }
            }
        }
        return stuck;
    }
}
