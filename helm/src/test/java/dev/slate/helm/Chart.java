package dev.slate.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.slate.installer.cluster.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** helm/slate rendered and linted with Helm as a library (helm-java), per values profile (ci/NAME-values.yaml). */
final class Chart {
    static final Path DIR = Path.of(System.getProperty("slate.chart.dir", "slate"))
            .toAbsolutePath()
            .normalize();
    static final List<String> PROFILES = List.of("minimal", "external-databases", "ha");
    static final String RELEASE = "slate";
    static final String NAMESPACE = "slate";
    /** helm template assumes Kubernetes 1.20 unless told; the chart needs 1.27 or newer */
    static final String KUBE_VERSION = "1.31.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Manifests MANIFESTS = new Manifests();

    private Chart() {}

    static Path profile(String name) {
        return DIR.resolve("ci").resolve(name + "-values.yaml");
    }

    /** The rendered stream of a profile, with extra --set values. */
    static String render(String profile, Map<String, Object> sets) {
        TemplateCommand template = new Helm(DIR)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(profile(profile));
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return template.call();
    }

    /** Every rendered object of a profile, parsed strictly with the Fabric8 model. */
    static List<HasMetadata> objects(String profile) {
        return MANIFESTS.parse(render(profile, Map.of()));
    }

    static List<HasMetadata> objects(String profile, Map<String, Object> sets) {
        return MANIFESTS.parse(render(profile, sets));
    }

    /**
     * {@code helm lint --strict} with a profile's values. helm-java's lint takes no values file, so the chart
     * is copied to a temporary directory whose values.yaml is the chart's values merged with the profile.
     */
    static LintResult lint(String profile) {
        return lintWith(mergedValues(profile));
    }

    static LintResult lintWith(JsonNode values) {
        Path copy = null;
        try {
            copy = Files.createTempDirectory("slate-chart-lint");
            Path chart = copy.resolve("slate");
            copyTree(DIR, chart);
            YAML.writeValue(chart.resolve("values.yaml").toFile(), values);
            return new Helm(chart).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (copy != null) {
                deleteTree(copy);
            }
        }
    }

    static ObjectNode mergedValues(String profile) {
        try {
            ObjectNode values =
                    (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
            JsonNode overrides = YAML.readTree(profile(profile).toFile());
            merge(values, overrides);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(ObjectNode target, JsonNode overrides) {
        overrides.fields().forEachRemaining(field -> {
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
