package io.tlsduplex.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import reactor.core.Exceptions;

/** One line that says what went wrong: the chain of distinct causes, outermost first. */
public final class Failures {
    private Failures() {
    }

    public static String describe(Throwable error) {
        Throwable t = Exceptions.unwrap(error);
        List<String> parts = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (t != null && seen.add(t)) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                String m = message.strip();
                if (parts.stream().noneMatch(p -> p.contains(m))) {
                    parts.add(m);
                }
            } else if (parts.isEmpty()) {
                parts.add(t.getClass().getSimpleName());
            }
            if (t instanceof UserInputException || t instanceof Net.ConnectFailure) {
                break; // their message already tells the whole story
            }
            t = t.getCause();
        }
        return String.join(": ", parts);
    }
}
