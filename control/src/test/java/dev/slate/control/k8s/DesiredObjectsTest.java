package dev.slate.control.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.env.Environment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pure {@code desired} functions against expected objects in {@code src/test/resources/k8s/<case>/<kind>.yaml}
 * (compared as Fabric8 objects, so formatting does not matter; orphan files fail). After an intended change,
 * rewrite them with {@code -Dslate.golden.update=true} and review the diff.
 */
class DesiredObjectsTest {
    private static final Path FIXTURES = Path.of("src/test/resources/k8s");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void aFixedEnvironment() {
        assertMatchesFixtures("fixed-qa", TestEnvironments.fixed("qa", 2, 3));
    }

    @Test
    void anAutoscaledEnvironment() {
        assertMatchesFixtures("autoscaled-prod", TestEnvironments.autoscaled("prod", 2, 6, 1));
    }

    @Test
    void aFixedEnvironmentHasNoAutoscalerAndAnAutoscaledOneLeavesReplicasToIt() {
        assertThat(DesiredObjects.horizontalPodAutoscaler(
                        TestEnvironments.fixed("qa", 2, 1), TestEnvironments.SETTINGS))
                .isEmpty();
        assertThat(DesiredObjects.deployment(TestEnvironments.autoscaled("prod", 2, 6, 1), TestEnvironments.SETTINGS)
                        .getSpec()
                        .getReplicas())
                .isNull();
        assertThat(DesiredObjects.horizontalPodAutoscaler(
                        TestEnvironments.autoscaled("prod", 0, 3, 1), TestEnvironments.SETTINGS))
                .get()
                .extracting(h -> h.getSpec().getMinReplicas())
                .isEqualTo(1);
    }

    @Test
    void namespacesAreValidKubernetesNamesAndNeverShared() {
        String longName = "a" + "b".repeat(62);
        String other = "a" + "b".repeat(61) + "c";
        String ns = DesiredObjects.namespaceName(longName, TestEnvironments.SETTINGS);
        assertThat(ns)
                .hasSizeLessThanOrEqualTo(63)
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
                .startsWith("slate-ab");
        assertThat(DesiredObjects.namespaceName(other, TestEnvironments.SETTINGS))
                .isNotEqualTo(ns)
                .hasSizeLessThanOrEqualTo(63);
        assertThat(DesiredObjects.namespaceName("qa", TestEnvironments.SETTINGS))
                .isEqualTo("slate-qa");
    }

    @Test
    void theImageIsPulledByDigestWhenTheBundleRecordedOne() {
        assertThat(TestEnvironments.SETTINGS.imageReference())
                .isEqualTo(
                        "registry.local:5000/slate/appliance@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(new ClusterSettings("slate/appliance:1", Optional.empty(), "slate-", "x", 8080, 70).imageReference())
                .isEqualTo("slate/appliance:1");
        assertThat(new ClusterSettings("localhost:5000/appliance", Optional.of("sha256:ab"), "slate-", "x", 8080, 70)
                        .imageReference())
                .isEqualTo("localhost:5000/appliance@sha256:ab");
    }

    @Test
    void theFunctionsArePure() {
        Environment env = TestEnvironments.fixed("qa", 2, 3);
        assertThat(DesiredObjects.all(env, TestEnvironments.SETTINGS))
                .isEqualTo(DesiredObjects.all(env, TestEnvironments.SETTINGS));
    }

    private static void assertMatchesFixtures(String name, Environment environment) {
        Path dir = FIXTURES.resolve(name);
        List<HasMetadata> desired = DesiredObjects.all(environment, TestEnvironments.SETTINGS);
        TreeSet<String> expectedFiles = new TreeSet<>();
        for (HasMetadata object : desired) {
            String file = object.getKind().toLowerCase(Locale.ROOT) + ".yaml";
            expectedFiles.add(file);
            Path path = dir.resolve(file);
            if (Boolean.getBoolean("slate.golden.update")) {
                write(path, YAML.asYaml(object));
            }
            assertThat(path)
                    .as("fixture %s (write it with -Dslate.golden.update=true)", path)
                    .exists();
            HasMetadata expected = YAML.unmarshal(read(path), object.getClass());
            assertThat(object).as("%s/%s", name, file).isEqualTo(expected);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("orphan fixtures in %s", dir)
                    .containsExactlyElementsOf(expectedFiles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path path, String text) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
