package dev.slate.control.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether an observed serving Deployment differs from the desired one in what Slate sets (the API server adds
 * defaults, so whole objects are never compared), or its ready replicas changed since the last status.
 */
final class Drift {
    private Drift() {}

    static boolean drifted(Deployment observed, Deployment desired, int lastReady) {
        if (observed.getSpec() == null) {
            return true;
        }
        if (desired.getSpec().getReplicas() != null
                && !desired.getSpec().getReplicas().equals(observed.getSpec().getReplicas())) {
            return true;
        }
        if (!Objects.equals(annotation(observed), annotation(desired))) {
            return true;
        }
        if (!images(observed).equals(images(desired))) {
            return true;
        }
        int ready = observed.getStatus() == null || observed.getStatus().getReadyReplicas() == null
                ? 0
                : observed.getStatus().getReadyReplicas();
        return ready != lastReady;
    }

    private static String annotation(Deployment d) {
        Map<String, String> annotations =
                d.getMetadata() == null ? null : d.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(DesiredObjects.GENERATION);
    }

    private static List<String> images(Deployment d) {
        if (d.getSpec().getTemplate() == null || d.getSpec().getTemplate().getSpec() == null) {
            return List.of();
        }
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(Container::getImage)
                .toList();
    }
}
