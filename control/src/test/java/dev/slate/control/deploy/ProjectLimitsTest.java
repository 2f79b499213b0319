package dev.slate.control.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectLimitsTest {

    @Test
    void measuresUtf8Bytes() {
        for (String text :
                new String[] {"", "abc", "caf\u00e9", "\u20ac", "\uD83D\uDE00 smile", "\uD800 lone surrogate"}) {
            assertThat(ProjectLimits.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void acceptsAProjectAtTheLimits() {
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            files.put("f" + i + ".sql", "a".repeat(ProjectLimits.MAX_FILE_BYTES));
        }
        assertThatCode(() -> ProjectLimits.check(files)).doesNotThrowAnyException();
    }

    @Test
    void rejectsAFileOverOneMebibyteCountingUtf8Bytes() {
        // 524,289 two-byte characters: fewer than 1 Mi characters, more than 1 MiB
        Map<String, String> files = Map.of("big.yaml", "\u00e9".repeat(ProjectLimits.MAX_FILE_BYTES / 2 + 1));

        assertThatThrownBy(() -> ProjectLimits.check(files))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
                .hasMessageContaining("big.yaml");
    }

    @Test
    void rejectsMoreThanFiveMebibytesOrFiveHundredFiles() {
        Map<String, String> large = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            large.put("f" + i + ".sql", "a".repeat(ProjectLimits.MAX_FILE_BYTES));
        }
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= ProjectLimits.MAX_FILES; i++) {
            many.put("f" + i + ".sql", "SELECT 1");
        }

        assertThatThrownBy(() -> ProjectLimits.check(large)).hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> ProjectLimits.check(many)).hasMessageContaining("500 files");
    }
}
