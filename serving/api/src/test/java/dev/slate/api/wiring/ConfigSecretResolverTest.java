package dev.slate.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${secret:NAME}}: the secrets directory first, then the encrypted store, then configuration. */
class ConfigSecretResolverTest {

    @Test
    void resolvesFromTheDirectoryThenTheStoreThenConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a"), "from-dir\n");
        Map<String, String> stored = Map.of("a", "from-store-a", "b", "from-store-b");
        Map<String, String> config = Map.of("slate.secret.a", "from-config-a", "slate.secret.b", "from-config-b", "slate.secret.c", "from-config-c");
        ConfigSecretResolver resolver = new ConfigSecretResolver(Optional.of(dir), name -> Optional.ofNullable(stored.get(name)),
                key -> Optional.ofNullable(config.get(key)), name -> null);
        assertThat(resolver.resolve("${secret:a}")).isEqualTo("from-dir");
        assertThat(resolver.resolve("${secret:b}")).isEqualTo("from-store-b");
        assertThat(resolver.resolve("${secret:c}")).isEqualTo("from-config-c");
        assertThat(resolver.resolve("plain")).isEqualTo("plain");
    }

    @Test
    void aMissingSecretNamesEveryPlaceToPutIt() {
        ConfigSecretResolver resolver = new ConfigSecretResolver(Optional.empty(), name -> Optional.empty(), key -> Optional.empty(), name -> null);
        assertThatThrownBy(() -> resolver.resolve("${secret:db_password}"))
                .hasMessageContaining("slate.serving.secrets-dir").hasMessageContaining("PUT /v1/secrets/db_password")
                .hasMessageContaining("slate.secret.db_password");
    }
}
