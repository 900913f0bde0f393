package io.tlsduplex.cli.logs;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Cuts a byte stream into lines; a line may straddle any number of buffers. One thread at a time. */
final class LineSplitter {
    private static final int MAX_LINE = 64 * 1024;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    /** The lines completed by {@code b} (without their newline); the caller still owns {@code b}. */
    List<String> accept(ByteBuf b) {
        List<String> lines = new ArrayList<>();
        while (b.isReadable()) {
            byte c = b.readByte();
            if (c == '\n') {
                lines.add(take());
            } else if (partial.size() < MAX_LINE) {
                partial.write(c);
            }
        }
        return lines;
    }

    private String take() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
