package io.tlsduplex.cli;

/** {@code HOST:PORT} as the user typed it; IPv6 literals in brackets ({@code [::1]:443}). */
public record HostPort(String host, int port) {

    public static HostPort parse(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UserInputException(option + " '" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port(option, text.substring(colon + 1)));
    }

    public static int port(String option, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // same message as out of range
        }
        throw new UserInputException(option + ": '" + text + "' is not a port number (0-65535)");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
