package dev.slate.appliance.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.appliance.embedded.SecretsKeyFile.Outcome;
import dev.slate.control.secrets.SecretKeyRing;
import dev.slate.control.secrets.SecretsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone appliance's generated secrets key: created once with mode 0600, reused, never preferred over the operator's. */
class SecretsKeyFileTest {

    private static final Function<String, String> NONE = name -> null;

    @Test
    void theFirstStartWritesAPrivateKeyAndLaterStartsReuseIt(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home"); // does not exist yet
        Outcome first = SecretsKeyFile.resolve(home, NONE, NONE);
        assertThat(first).isInstanceOf(Outcome.KeyFile.class);
        Outcome.KeyFile file = (Outcome.KeyFile) first;
        assertThat(file.created()).isTrue();
        assertThat(file.file()).isEqualTo(home.toAbsolutePath().resolve("secrets.key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())))
                .isEqualTo("rw-------");
        String key = Files.readString(file.file(), StandardCharsets.US_ASCII).strip();
        assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(file.file());
        }

        Outcome second = SecretsKeyFile.resolve(home, NONE, NONE);
        assertThat(second).isEqualTo(new Outcome.KeyFile(file.file(), false));
        assertThat(Files.readString(file.file(), StandardCharsets.US_ASCII).strip())
                .isEqualTo(key);

        // the secret store reads it through slate.secrets.key-file: what one start seals, the next opens
        SecretKeyRing.Sealed sealed = SecretKeyRing.from(keyFile(file.file())).seal("db_password", "hunter2");
        assertThat(SecretKeyRing.from(keyFile(file.file())).open("db_password", sealed))
                .isEqualTo("hunter2");

        // another home gets another key
        Outcome.KeyFile other = (Outcome.KeyFile) SecretsKeyFile.resolve(dir.resolve("other"), NONE, NONE);
        assertThat(Files.readString(other.file()).strip()).isNotEqualTo(key);
    }

    @Test
    void aKeyTheOperatorGivesTakesPrecedenceAndNothingIsWritten(@TempDir Path home) throws Exception {
        String key = SecretKeyRing.generateKey();
        assertThat(SecretsKeyFile.resolve(home, Map.of("slate.secrets.key", key)::get, NONE))
                .isEqualTo(new Outcome.OperatorKey("slate.secrets.key"));
        assertThat(SecretsKeyFile.resolve(home, NONE, Map.of("SLATE_SECRETS_KEY", key)::get))
                .isEqualTo(new Outcome.OperatorKey("SLATE_SECRETS_KEY"));
        assertThat(SecretsKeyFile.resolve(home, Map.of("slate.secrets.key-file", "/run/secrets/slate")::get, NONE))
                .isEqualTo(new Outcome.OperatorKey("slate.secrets.key-file"));
        assertThat(SecretsKeyFile.resolve(home, NONE, Map.of("SLATE_SECRETS_KEY_FILE", "/run/secrets/slate")::get))
                .isEqualTo(new Outcome.OperatorKey("SLATE_SECRETS_KEY_FILE"));
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files).isEmpty();
        }
        // blank settings do not count as a key
        assertThat(SecretsKeyFile.resolve(home, Map.of("slate.secrets.key", " ")::get, NONE))
                .isInstanceOf(Outcome.KeyFile.class);
    }

    @Test
    void aKeyFileOthersCouldReadIsNarrowedAndABrokenOneFailsWithoutShowingIt(@TempDir Path home) throws Exception {
        Path file = home.resolve("secrets.key");
        String key = SecretKeyRing.generateKey();
        Files.writeString(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SecretsKeyFile.resolve(home, NONE, NONE))
                .isEqualTo(new Outcome.KeyFile(file.toAbsolutePath(), false));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo(key);

        String broken = Base64.getEncoder().encodeToString("sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(file, broken);
        assertThatThrownBy(() -> SecretsKeyFile.resolve(home, NONE, NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(broken);

        Files.delete(file);
        Files.createDirectory(file);
        assertThatThrownBy(() -> SecretsKeyFile.resolve(home, NONE, NONE)).hasMessageContaining("not a regular file");
    }

    private static SecretsConfig keyFile(Path file) {
        return new SecretsConfig() {
            @Override
            public Optional<String> key() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> keyFile() {
                return Optional.of(file);
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return Optional.empty();
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
