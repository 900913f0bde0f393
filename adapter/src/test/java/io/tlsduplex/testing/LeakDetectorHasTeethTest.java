package io.tlsduplex.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "No leaked buffers" is only as good as its detector: prove that a buffer dropped without
 * release is reported by {@link LeakRecorder} (which {@link NoLeaksExtension} turns into a failure
 * after every test). The report is consumed here, so this test itself passes.
 */
class LeakDetectorHasTeethTest {

    @Test
    void aPooledBufferDroppedWithoutReleaseIsReported() {
        leakOne();
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            leaks = LeakRecorder.collectLeaks(); // GC, then allocations that make the detector look
        }
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).contains("LEAK");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeLong(42);
        // no release: the reference goes out of scope here
    }
}
