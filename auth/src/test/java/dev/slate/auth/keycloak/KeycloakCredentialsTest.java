package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakCredentialsTest {

    @Test
    void generatedSecretsAreLongDistinctAndRandom() {
        KeycloakCredentials a = KeycloakCredentials.generate(new SecureRandom());
        KeycloakCredentials b = KeycloakCredentials.generate(new SecureRandom());
        assertThat(new HashSet<>(a.secrets())).hasSize(4);
        assertThat(a.secrets())
                .allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9_-]+"));
        assertThat(a.secrets()).doesNotContainAnyElementsOf(b.secrets());
        assertThat(a.adminUsername()).isEqualTo("slate-admin");
    }

    @Test
    void toStringShowsNoSecret() {
        KeycloakCredentials c = KeycloakCredentials.generate(new SecureRandom());
        assertThat(c.secrets()).allSatisfy(s -> assertThat(c.toString()).doesNotContain(s));
    }

    @Test
    void storedFileIsOwnerOnlyAndLoadsBack(@TempDir Path dir) throws Exception {
        KeycloakCredentials c = KeycloakCredentials.generate(new SecureRandom());
        Path file = dir.resolve(KeycloakCredentials.FILE_NAME);
        c.store(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(KeycloakCredentials.load(file)).contains(c);
        assertThatThrownBy(() -> c.store(file)).isInstanceOf(UncheckedIOException.class);
        assertThat(KeycloakCredentials.load(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void environmentFeedsBootstrapAdminAndRealmPlaceholders() {
        KeycloakCredentials c = KeycloakCredentials.generate(new SecureRandom());
        assertThat(c.environment())
                .containsEntry("KC_BOOTSTRAP_ADMIN_USERNAME", "slate-admin")
                .containsEntry("KC_BOOTSTRAP_ADMIN_PASSWORD", c.adminPassword())
                .containsEntry("SLATE_SERVICE_CLIENT_SECRET", c.serviceClientSecret())
                .containsEntry("SLATE_REPORTING_CLIENT_SECRET", c.reportingClientSecret())
                .containsEntry("SLATE_DEMO_USER_PASSWORD", c.demoUserPassword());
    }
}
