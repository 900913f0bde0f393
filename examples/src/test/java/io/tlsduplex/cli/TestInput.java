package io.tlsduplex.cli;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** A standard input the test types into, line by line, and closes (EOF) when it chooses. */
public final class TestInput extends InputStream {
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current;
    private int position;
    private boolean ended;

    public void write(byte[] bytes) {
        chunks.add(bytes.clone());
    }

    public void line(String text) {
        write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** End of input. */
    @Override
    public void close() {
        chunks.add(EOF);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (ended) {
            return -1;
        }
        try {
            while (current == null || position == current.length) {
                current = chunks.take();
                position = 0;
                if (current == EOF) {
                    ended = true;
                    return -1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
