package io.tlsduplex.cli.fetch;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Splits an HTTP/1.1 response as it streams in: the header (status line and fields, up to the
 * blank line) to one output, the body to another, with a chunked body decoded. Knows when the
 * body is complete (Content-Length, the last chunk), which tells a truncated response from a
 * server that merely closed without close_notify.
 */
final class HttpResponseSink {
    private static final int MAX_HEADER = 64 * 1024;

    private enum State { HEADER, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, DONE }

    private final OutputStream headerOut;
    private final OutputStream bodyOut;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private final StringBuilder line = new StringBuilder();
    private State state = State.HEADER;
    private int status = -1;
    private long contentLength = -1;
    private boolean chunked;
    private long chunkLeft;
    private long bodyBytes;

    HttpResponseSink(OutputStream headerOut, OutputStream bodyOut) {
        this.headerOut = headerOut;
        this.bodyOut = bodyOut;
    }

    /** Consumes {@code b} (the caller still owns and releases it). */
    void accept(ByteBuf b) throws IOException {
        while (b.isReadable() && state != State.DONE) {
            switch (state) {
                case HEADER -> headerByte(b.readByte());
                case BODY -> {
                    int n = (int) (contentLength < 0 ? b.readableBytes() : Math.min(b.readableBytes(), contentLength - bodyBytes));
                    body(b, n);
                    if (contentLength >= 0 && bodyBytes == contentLength) {
                        state = State.DONE;
                    }
                }
                case CHUNK_SIZE, CHUNK_DATA_END, TRAILER -> chunkLine(b.readByte());
                case CHUNK_DATA -> {
                    int n = (int) Math.min(b.readableBytes(), chunkLeft);
                    body(b, n);
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** Whether the response is known to be whole (needs a length or chunking; else only the close tells). */
    boolean complete() {
        return state == State.DONE;
    }

    boolean headerDone() {
        return state != State.HEADER;
    }

    /** End of stream: a body without length ends here. */
    void onEnd() {
        if (state == State.BODY && contentLength < 0) {
            state = State.DONE;
        }
    }

    int status() {
        return status;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    private void body(ByteBuf b, int n) throws IOException {
        b.readBytes(bodyOut, n);
        bodyBytes += n;
    }

    private void headerByte(byte c) throws IOException {
        header.write(c);
        if (header.size() > MAX_HEADER) {
            throw new IOException("response header larger than " + MAX_HEADER + " bytes");
        }
        if (c != '\n') {
            if (c != '\r') {
                line.append((char) (c & 0xff));
            }
            return;
        }
        String l = line.toString();
        line.setLength(0);
        if (status < 0) {
            String[] parts = l.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP response: '" + l + "'");
            }
            status = Integer.parseInt(parts[1]);
        } else if (!l.isEmpty()) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = l.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
        } else {
            headerOut.write(header.toByteArray());
            state = chunked ? State.CHUNK_SIZE : contentLength == 0 ? State.DONE : State.BODY;
        }
    }

    private void chunkLine(byte c) throws IOException {
        if (c != '\n') {
            if (c != '\r') {
                line.append((char) (c & 0xff));
            }
            return;
        }
        String l = line.toString();
        line.setLength(0);
        switch (state) {
            case CHUNK_SIZE -> {
                int semi = l.indexOf(';');
                chunkLeft = Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
                state = chunkLeft == 0 ? State.TRAILER : State.CHUNK_DATA;
            }
            case CHUNK_DATA_END -> state = State.CHUNK_SIZE;
            case TRAILER -> {
                if (l.isEmpty()) {
                    state = State.DONE;
                } else {
                    headerOut.write((l + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }
}
