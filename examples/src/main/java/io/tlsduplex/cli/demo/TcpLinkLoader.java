package io.tlsduplex.cli.demo;

/** Placeholder until the adapter's reactor-netty transport lands. */
final class TcpLinkLoader {
    private TcpLinkLoader() {
    }

    static DemoLink open() {
        throw new UnsupportedOperationException("loopback TCP needs io.tlsduplex.netty.TlsTcp; use --transport memory");
    }
}
