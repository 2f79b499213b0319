package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.offline.ObservedValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values the spool reported as written survive a kill -9 of the process in the middle of writing, and
 * the next start ships them (and nothing corrupt) to the offline store.
 */
class KillDuringWritesTest {
    @TempDir
    Path dir;

    @Test
    void valuesWrittenBeforeSigkillAreShippedAfterRestart() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        SpoolWriterProcess.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        long confirmed = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SPOOLED ")) {
                    confirmed = Long.parseLong(line.substring(8));
                    if (confirmed >= 20_000) {
                        break; // the child keeps writing while it is killed
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(confirmed).isGreaterThanOrEqualTo(20_000);

        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(FeatureLogTest.fast(dir, 1_000_000, 1L << 30), store)) {
            long atLeast = confirmed;
            FeatureLogTest.await(
                    () -> store.snapshot().size() >= atLeast && log.stats().pendingSegments() <= 1);
            List<ObservedValue> shipped = store.snapshot();
            // everything confirmed is there, in order, with nothing corrupt: a prefix of the sequence written
            assertThat(shipped).containsExactlyElementsOf(TestValues.range(0, shipped.size()));
        }
    }
}
