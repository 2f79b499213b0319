package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

    private static int niceOfThisThread() throws Exception {
        return BackgroundPriority.currentNice();
    }

    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "needs Linux /proc");
        int before = niceOfThisThread();
        CompletableFuture<int[]> lowered = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                int start = niceOfThisThread();
                boolean done = BackgroundPriority.lowerCurrentThread();
                lowered.complete(new int[] {start, niceOfThisThread(), done ? 1 : 0});
            } catch (Exception e) {
                lowered.completeExceptionally(e);
            }
        });
        int[] r = lowered.get();
        assertThat(r[2]).as("setpriority succeeded").isEqualTo(1);
        assertThat(r[1]).isEqualTo(Math.max(r[0], BackgroundPriority.NICE));
        assertThat(niceOfThisThread())
                .as("the test's own thread keeps its priority")
                .isEqualTo(before);
    }
}
