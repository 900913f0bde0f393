package io.tlsduplex.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * openssl's handshake message log ({@code -msg -msgfile FILE}), read incrementally: counts of the
 * handshake messages and alerts each way, e.g. {@code <<< TLS 1.3, Handshake [length 0005], KeyUpdate}
 * (received) or {@code >>> TLS 1.3, Alert [length 0002], warning close_notify} (sent). openssl flushes
 * the file after each message, so a count only grows.
 */
public final class OpenSslMessageLog {
    private final Path file;
    private final Map<String, Long> counts = new HashMap<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private long offset;

    public OpenSslMessageLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Handshake messages with {@code direction} ("<<<" or ">>>") named {@code message} ("KeyUpdate", "Finished"...). */
    public synchronized long handshakes(String direction, String message) {
        readNew();
        return counts.getOrDefault(direction + " Handshake " + message, 0L);
    }

    /** Alerts with {@code direction} and description {@code alert} ("close_notify", "bad_record_mac"...). */
    public synchronized long alerts(String direction, String alert) {
        readNew();
        return counts.getOrDefault(direction + " Alert " + alert, 0L);
    }

    /** The last messages (record headers left out), for failure reports. */
    public synchronized String describe() {
        readNew();
        return recent.isEmpty() ? "(none yet: " + file + ")" : String.join("\n", recent);
    }

    private void readNew() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            int n;
            while ((n = ch.read(buf, offset)) > 0) {
                offset += n;
                buf.flip();
                partial.append(StandardCharsets.ISO_8859_1.decode(buf));
                buf.clear();
            }
        } catch (NoSuchFileException notYet) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            line(partial.substring(0, end));
            partial.delete(0, end + 1);
        }
    }

    private void line(String line) {
        if (!line.startsWith("<<<") && !line.startsWith(">>>")) {
            return; // a hex dump line of the message above
        }
        String direction = line.substring(0, 3);
        String last = line.substring(line.lastIndexOf(' ') + 1);
        if (line.contains(", Handshake [")) {
            counts.merge(direction + " Handshake " + last, 1L, Long::sum);
        } else if (line.contains(", Alert [")) {
            counts.merge(direction + " Alert " + last, 1L, Long::sum);
        } else if (line.contains("RecordHeader") || line.contains("InnerContent")) {
            return;
        }
        recent.addLast(line);
        if (recent.size() > 40) {
            recent.removeFirst();
        }
    }
}
