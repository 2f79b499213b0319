package dev.slate.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an upgrade carries of the old version's Keycloak build into the new version's distribution. */
class KeycloakBuildCarryTest {

    @TempDir
    Path dir;

    private Path distribution(String name, String version, String build, boolean marker) throws IOException {
        Path root = dir.resolve(name);
        write(root.resolve("version.txt"), "Keycloak - Version " + version + "\n");
        write(root.resolve("lib/quarkus/generated-bytecode.jar"), build);
        if (marker) {
            write(root.resolve(StandaloneUpgrader.KEYCLOAK_BUILD_MARKER), "build-options=--db\\=dev-file\n");
        }
        return root;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String build(Path root) throws IOException {
        return Files.readString(root.resolve("lib/quarkus/generated-bytecode.jar"), StandardCharsets.UTF_8);
    }

    @Test
    void anUnbuiltNewVersionOfTheSameKeycloakGetsTheOldBuildAndItsMarker() throws IOException {
        Path old = distribution("old", "26.7.3", "production build", true);
        Path fresh = distribution("new", "26.7.3", "pristine", false);

        StandaloneUpgrader.carryKeycloakBuild(old, fresh);

        assertThat(build(fresh)).isEqualTo("production build");
        assertThat(fresh.resolve(StandaloneUpgrader.KEYCLOAK_BUILD_MARKER))
                .hasSameTextualContentAs(old.resolve(StandaloneUpgrader.KEYCLOAK_BUILD_MARKER));
    }

    @Test
    void aNewVersionThatComesBuiltKeepsItsOwnBuild() throws IOException {
        // the old version re-augmented at its first start (start-dev); the new bundle brings a production build
        Path old = distribution("old", "26.7.3", "dev build", false);
        Path fresh = distribution("new", "26.7.3", "production build", true);

        StandaloneUpgrader.carryKeycloakBuild(old, fresh);

        assertThat(build(fresh)).isEqualTo("production build");
    }

    @Test
    void anotherKeycloakVersionIsNeverGivenTheOldBuild() throws IOException {
        Path old = distribution("old", "26.7.3", "production build", true);
        Path fresh = distribution("new", "26.8.0", "pristine", false);

        StandaloneUpgrader.carryKeycloakBuild(old, fresh);

        assertThat(build(fresh)).isEqualTo("pristine");
        assertThat(fresh.resolve(StandaloneUpgrader.KEYCLOAK_BUILD_MARKER)).doesNotExist();
    }
}
