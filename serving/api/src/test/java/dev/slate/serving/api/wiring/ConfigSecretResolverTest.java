package dev.slate.serving.api.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${secret:NAME}}: the secrets directory first, then the encrypted store of the environment, then configuration. */
class ConfigSecretResolverTest {

    @Test
    void resolvesFromTheDirectoryThenTheStoreThenConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a"), "from-dir\n");
        Map<String, String> stored = Map.of("qa/a", "from-store-a", "qa/b", "from-store-b");
        Map<String, String> config = Map.of(
                "slate.secret.a",
                "from-config-a",
                "slate.secret.b",
                "from-config-b",
                "slate.secret.c",
                "from-config-c");
        ConfigSecretResolver resolver = new ConfigSecretResolver(
                Optional.of(dir),
                (env, name) -> Optional.ofNullable(stored.get(env + "/" + name)),
                graph -> Optional.empty(),
                key -> Optional.ofNullable(config.get(key)),
                name -> null);
        Optional<String> qa = Optional.of("qa");
        assertThat(resolver.resolve(qa, "${secret:a}")).isEqualTo("from-dir");
        assertThat(resolver.resolve(qa, "${secret:b}")).isEqualTo("from-store-b");
        assertThat(resolver.resolve(qa, "${secret:c}")).isEqualTo("from-config-c");
        assertThat(resolver.resolve(qa, "plain")).isEqualTo("plain");
    }

    @Test
    void storedSecretsAreSeenOnlyInTheirOwnEnvironment() {
        Map<String, String> stored = Map.of("qa/db", "qa-value", "prod/db", "prod-value");
        ConfigSecretResolver resolver = new ConfigSecretResolver(
                Optional.empty(),
                (env, name) -> Optional.ofNullable(stored.get(env + "/" + name)),
                graph -> Optional.empty(),
                key -> Optional.empty(),
                name -> null);
        assertThat(resolver.resolve(Optional.of("qa"), "${secret:db}")).isEqualTo("qa-value");
        assertThat(resolver.resolve(Optional.of("prod"), "${secret:db}")).isEqualTo("prod-value");
        assertThatThrownBy(() -> resolver.resolve(Optional.of("stage"), "${secret:db}"))
                .hasMessageContaining("environment stage")
                .hasMessageNotContaining("qa-value")
                .hasMessageNotContaining("prod-value");
        assertThatThrownBy(() -> resolver.resolve("${secret:db}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingSecretNamesEveryPlaceToPutIt() {
        ConfigSecretResolver resolver = new ConfigSecretResolver(
                Optional.empty(),
                (env, name) -> Optional.empty(),
                graph -> Optional.empty(),
                key -> Optional.empty(),
                name -> null);
        assertThatThrownBy(() -> resolver.resolve(Optional.of("qa"), "${secret:db_password}"))
                .hasMessageContaining("slate.serving.secrets-dir")
                .hasMessageContaining("PUT /v1/secrets/db_password")
                .hasMessageContaining("X-Slate-Environment: qa")
                .hasMessageContaining("slate.secret.db_password");
    }
}
