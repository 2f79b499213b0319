package dev.slate.installer.cluster;

import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Renders helm/slate with one of its values profiles (helm/slate/ci/NAME-values.yaml), with Helm as a library. */
final class RenderedChart {
    static final Path CHART = Path.of("..", "helm", "slate").toAbsolutePath().normalize();
    static final String RELEASE = "slate";
    static final String NAMESPACE = "slate";
    /** helm template assumes Kubernetes 1.20 unless told; the chart needs 1.27 or newer */
    static final String KUBE_VERSION = "1.31.0";

    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    private RenderedChart() {}

    /** The profile's rendering, once per test run (the chart's generated credentials are random per rendering). */
    static String render(String profile) {
        return RENDERED.computeIfAbsent(profile, RenderedChart::renderFresh);
    }

    /** A new rendering, with new generated credentials. */
    static String renderFresh(String profile) {
        Path values = CHART.resolve("ci").resolve(profile + "-values.yaml");
        if (!Files.isRegularFile(values)) {
            throw new IllegalArgumentException("no values profile " + values);
        }
        return new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(values)
                .call();
    }
}
