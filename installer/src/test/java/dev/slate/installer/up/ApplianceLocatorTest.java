package dev.slate.installer.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplianceLocatorTest {
    @TempDir
    Path temp;

    private Path checkout(String name) throws Exception {
        Path repo = temp.resolve(name);
        Path jar = repo.resolve(ApplianceLocator.RELATIVE_JAR);
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "jar");
        return repo;
    }

    @Test
    void slateRepoWins() throws Exception {
        Path repo = checkout("repo");
        Path other = checkout("other");

        Path jar = ApplianceLocator.locate(
                Optional.of(repo.toString()), Optional.of(other.resolve("installer/target/slate-installer.jar")));

        assertThat(jar).isEqualTo(repo.resolve(ApplianceLocator.RELATIVE_JAR));
    }

    @Test
    void otherwiseTheCheckoutTheCliWasLoadedFrom() throws Exception {
        Path repo = checkout("repo");

        assertThat(ApplianceLocator.locate(
                        Optional.empty(),
                        Optional.of(repo.resolve("installer/target/slate-installer-0.1.0-SNAPSHOT.jar"))))
                .isEqualTo(repo.resolve(ApplianceLocator.RELATIVE_JAR));
        assertThat(ApplianceLocator.locate(Optional.empty(), Optional.of(repo.resolve("installer/target/classes"))))
                .isEqualTo(repo.resolve(ApplianceLocator.RELATIVE_JAR));
    }

    @Test
    void aMissingJarNamesWhereItLookedAndHowToBuild() {
        Path repo = temp.resolve("empty");

        assertThatThrownBy(() -> ApplianceLocator.locate(Optional.of(repo.toString()), Optional.empty()))
                .isInstanceOf(CliException.class)
                .hasMessageContaining(
                        repo.resolve(ApplianceLocator.RELATIVE_JAR).toString())
                .hasMessageContaining("mvnw");
    }

    @Test
    void theRunningCliFindsThisCheckout() {
        Optional<Path> location = ApplianceLocator.codeLocation(ApplianceLocator.class);

        assertThat(location).isPresent();
        assertThat(ApplianceLocator.candidates(Optional.empty(), location)
                        .get(0)
                        .toString())
                .endsWith("appliance/target/quarkus-app/quarkus-run.jar");
    }
}
