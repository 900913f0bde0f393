package io.tlsduplex.bench;

import io.netty.util.internal.PlatformDependent;
import io.tlsduplex.bench.support.End;
import io.tlsduplex.bench.support.Stack;
import io.tlsduplex.bench.support.StackKind;
import io.tlsduplex.bench.support.Suite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Retained memory per idle, established connection (TLS 1.3 AES-128-GCM, handshake done, a read
 * subscriber attached, nothing in flight): heap after a full GC, and off-heap (Netty's pooled
 * direct memory plus the JDK's direct buffers), before and after opening N connections.
 *
 * <p>Over TCP the server runs in a child JVM so that each process holds N sockets (one process
 * holding both ends of 10,000 connections would need 20,000 file descriptors, the machine's
 * limit); each side is measured in its own process, so the figures are per end. In memory both
 * ends live in this process and the figure is per connection (both ends).
 *
 * <p>Not a JMH benchmark (it measures a state, not a rate) but writes JMH-shaped JSON so the
 * report reads it with the rest: {@code IdleMemory <out.json> <stacks,...> <counts,...>}.
 */
public final class IdleMemory {

    private record Sample(long heap, long offHeap) {
        Sample minus(Sample o) {
            return new Sample(heap - o.heap, offHeap - o.offHeap);
        }
    }

    private IdleMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve(StackKind.valueOf(args[1]));
            return;
        }
        Path out = Path.of(args[0]);
        List<String> results = new ArrayList<>();
        for (String kind : args[1].split(",")) {
            for (String count : args[2].split(",")) {
                results.addAll(measure(StackKind.valueOf(kind), Integer.parseInt(count)));
            }
        }
        Files.writeString(out, "[\n" + String.join(",\n", results) + "\n]\n");
        System.out.println("wrote " + out);
    }

    private static List<String> measure(StackKind kind, int count) throws Exception {
        if (!kind.overTcp()) {
            try (Stack stack = kind.open(Suite.TLS13_AES128, false)) {
                warmUp(stack);
                Sample before = sample();
                List<End> ends = open(stack, count);
                Sample grown = sample().minus(before);
                report(kind, count, "connection (both ends)", grown);
                ends.clear();
                return List.of(json(kind, count, "both", grown));
            }
        }
        Process child = new ProcessBuilder(javaBin(), "-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), IdleMemory.class.getName(), "--serve", kind.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            int port = Integer.parseInt(fromChild.readLine().replace("PORT ", "").trim());
            try (Stack stack = kind.clientOnly(Suite.TLS13_AES128, port)) {
                warmUp(stack);
                Sample clientBefore = sample();
                Sample serverBefore = ask(toChild, fromChild);
                List<End> ends = open(stack, count);
                Sample client = sample().minus(clientBefore);
                Sample server = ask(toChild, fromChild).minus(serverBefore);
                report(kind, count, "client end", client);
                report(kind, count, "server end", server);
                ends.clear();
                return List.of(json(kind, count, "client", client), json(kind, count, "server", server));
            }
        } finally {
            child.destroy();
            child.waitFor();
        }
    }

    /** A few connections first, so class loading and pools are not charged to the measured ones. */
    private static void warmUp(Stack stack) {
        open(stack, 20);
    }

    private static List<End> open(Stack stack, int count) {
        List<End> ends = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ends.add(stack.connect());
            if ((i + 1) % 1000 == 0) {
                System.out.println("  " + (i + 1) + " connections open");
            }
        }
        return ends;
    }

    private static Sample ask(PrintStream toChild, BufferedReader fromChild) throws IOException {
        toChild.println("sample");
        String[] parts = fromChild.readLine().trim().split(" ");
        return new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    /** The child: a server of {@code kind} that reports its memory when asked on stdin. */
    private static void serve(StackKind kind) throws IOException {
        try (Stack stack = kind.open(Suite.TLS13_AES128, false)) {
            System.out.println("PORT " + stack.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("sample")) {
                    Sample s = sample();
                    System.out.println("SAMPLE " + s.heap + " " + s.offHeap);
                    System.out.flush();
                }
            }
        }
    }

    private static Sample sample() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        // Netty's own direct memory (pooled chunks without cleaners) plus the JDK's direct buffers.
        long direct = Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct += pool.getMemoryUsed();
            }
        }
        return new Sample(heap, direct);
    }

    private static void report(StackKind kind, int count, String what, Sample grown) {
        System.out.printf(Locale.ROOT, "%-22s %6d connections: %,8d B heap, %,8d B off-heap per %s%n",
                kind, count, grown.heap / count, grown.offHeap / count, what);
    }

    private static String json(StackKind kind, int count, String side, Sample grown) {
        return String.format(Locale.ROOT, """
                  {"benchmark": "io.tlsduplex.bench.IdleMemory.retainedHeap", "mode": "state",
                   "params": {"stack": "%s", "connections": "%d", "side": "%s"},
                   "primaryMetric": {"score": %d, "scoreError": "NaN", "scoreUnit": "B/conn"},
                   "secondaryMetrics": {"offHeap": {"score": %d, "scoreError": "NaN", "scoreUnit": "B/conn"}}}""",
                kind, count, side, grown.heap / count, grown.offHeap / count);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
