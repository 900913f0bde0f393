package io.tlsduplex.cli;

import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.LinkedHashSet;
import java.util.Set;
import reactor.core.Exceptions;

/** One line that says what went wrong: the chain of distinct causes, innermost detail last. */
public final class Failures {
    private Failures() {
    }

    public static String describe(Throwable error) {
        Throwable t = Exceptions.unwrap(error);
        if (t instanceof UserInputException) {
            return t.getMessage();
        }
        Set<String> parts = new LinkedHashSet<>();
        Set<Throwable> seen = new java.util.HashSet<>();
        while (t != null && seen.add(t)) {
            String message = t.getMessage();
            if (t instanceof ConnectException || t.getClass().getSimpleName().contains("ConnectException")) {
                parts.add("cannot connect: " + (message == null ? t.getClass().getSimpleName() : message));
            } else if (t instanceof UnresolvedAddressException) {
                parts.add("unknown host");
            } else if (message != null && !message.isBlank() && parts.stream().noneMatch(p -> p.contains(message))) {
                parts.add(message);
            } else if (message == null && parts.isEmpty()) {
                parts.add(t.getClass().getSimpleName());
            }
            t = t.getCause();
        }
        return String.join(": ", parts);
    }
}
