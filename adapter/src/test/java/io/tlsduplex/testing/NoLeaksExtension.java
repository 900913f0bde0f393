package io.tlsduplex.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector (PARANOID) reports a buffer that was never released.
 * Registered for every test by auto-detection ({@code junit-platform.properties}).
 */
public final class NoLeaksExtension implements BeforeAllCallback, AfterEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        LeakRecorder.install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = LeakRecorder.collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leaked buffer(s) after " + context.getDisplayName()
                    + ":\n" + String.join("\n", leaks));
        }
    }
}
