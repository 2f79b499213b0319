package dev.slate.serving.telemetry.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka.sh stop} finds the broker by its pid file: the process must be recognised as a Kafka broker even when
 * its class path makes the command line longer than the 4,096 characters the JDK reports on Linux.
 */
@EnabledOnOs(OS.LINUX)
class LocalKafkaBrokerPidFileTest {

    /** A process whose command line is a long argument followed by the broker's main class, as the broker's is. */
    private static Process process(String lastArgument) throws Exception {
        String longClassPath = "/x/lib/a.jar:".repeat(600); // about 7,800 characters, like the broker's class path
        // "; exit 0" keeps the shell from replacing itself with sleep, so the shell's own arguments stay visible
        return new ProcessBuilder(List.of("sh", "-c", "sleep 30; exit 0", longClassPath, lastArgument)).start();
    }

    @Test
    void aBrokerWithALongClassPathIsFoundByItsPidFile(@TempDir Path dir) throws Exception {
        Process p = process(LocalKafkaBroker.MAIN_CLASS);
        try {
            Files.writeString(dir.resolve("broker.pid"), Long.toString(p.pid()));

            assertThat(LocalKafkaBroker.running(dir))
                    .hasValueSatisfying(h -> assertThat(h.pid()).isEqualTo(p.pid()));
            assertThat(LocalKafkaBroker.stop(dir)).isTrue();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("broker.pid")).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anotherProgramUnderAStalePidIsNotTakenForTheBroker(@TempDir Path dir) throws Exception {
        Process p = process("kafka.KafkaNot");
        try {
            Files.writeString(dir.resolve("broker.pid"), Long.toString(p.pid()));

            assertThat(LocalKafkaBroker.running(dir)).isEmpty();
            assertThat(LocalKafkaBroker.stop(dir)).isFalse();
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}
