package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Renders the bundle's chart ({@code helm/slate}) with Helm as a library (helm-java: {@code helm template}, no helm
 * binary): the user's values file, then the installer's own settings, which win: {@code image.registry} (the
 * registry the images were pushed to) and each pushed image's digest, so the pods pull exactly the pushed images.
 */
public final class ChartRenderer {
    /** The chart value holding each bundled image's digest, by the image's name in the bundle. */
    static final Map<String, String> DIGEST_VALUES = Map.of(
            "appliance", "appliance.image.digest",
            "keycloak", "keycloak.image.digest",
            "postgresql", "postgresql.bundledSettings.image.digest",
            "redis", "redis.bundledSettings.image.digest");

    private final Path chart;

    public ChartRenderer(Path chart) {
        this.chart = requireNonNull(chart, "chart is null");
    }

    /** What to render with. */
    public record Inputs(
            String release,
            String namespace,
            String kubeVersion,
            Optional<Path> valuesFile,
            String registry,
            Map<String, String> digests) {
        public Inputs {
            requireNonNull(release, "release is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(kubeVersion, "kubeVersion is null");
            requireNonNull(valuesFile, "valuesFile is null");
            requireNonNull(registry, "registry is null");
            digests = Map.copyOf(requireNonNull(digests, "digests is null"));
        }

        /** The values the installer sets on top of the user's file. */
        Map<String, String> settings() {
            Map<String, String> set = new TreeMap<>();
            set.put("image.registry", registry);
            digests.forEach((image, digest) -> {
                String key = DIGEST_VALUES.get(image);
                if (key != null) {
                    set.put(key, digest);
                }
            });
            return set;
        }

        /** SHA-256 over the values file's bytes and the installer's settings: what a release records. */
        public String valuesDigest() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                if (valuesFile.isPresent()) {
                    sha.update(Files.readAllBytes(valuesFile.get()));
                }
                sha.update((byte) 0);
                settings().forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
                return "sha256:" + HexFormat.of().formatHex(sha.digest());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + valuesFile.get() + ": " + e.getMessage(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The images of the bundle the chart has no digest value for (pushed, but not referenced). */
    public static List<String> unreferenced(Map<String, String> digests) {
        return digests.keySet().stream()
                .filter(name -> !DIGEST_VALUES.containsKey(name))
                .sorted()
                .toList();
    }

    /**
     * @throws IllegalArgumentException when Helm refuses the chart or the values (the schema, a required value)
     */
    public String render(Inputs inputs) {
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalArgumentException("no chart at " + chart + " (the bundle has no helm/slate)");
        }
        var template = new Helm(chart)
                .template()
                .withName(inputs.release())
                .withNamespace(inputs.namespace())
                .withKubeVersion(inputs.kubeVersion());
        inputs.valuesFile().ifPresent(template::withValuesFile);
        inputs.settings().forEach(template::set);
        try {
            return template.call();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("helm template refused the chart or the values: " + e.getMessage(), e);
        }
    }
}
