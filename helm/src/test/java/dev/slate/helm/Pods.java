package dev.slate.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The workloads of a rendering and their pod templates. */
record Pods(HasMetadata owner, PodTemplateSpec template) {

    static List<Pods> of(List<HasMetadata> objects) {
        List<Pods> pods = new ArrayList<>();
        for (HasMetadata object : objects) {
            switch (object) {
                case Deployment d -> pods.add(new Pods(d, d.getSpec().getTemplate()));
                case StatefulSet s -> pods.add(new Pods(s, s.getSpec().getTemplate()));
                default -> {}
            }
        }
        return pods;
    }

    List<Container> containers() {
        List<Container> all = new ArrayList<>(template.getSpec().getContainers());
        all.addAll(template.getSpec().getInitContainers());
        return all;
    }

    String component() {
        return template.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    /** replicas of a workload (null: set by an autoscaler) */
    Optional<Integer> replicas() {
        return switch (owner) {
            case Deployment d -> Optional.ofNullable(d.getSpec().getReplicas());
            case StatefulSet s -> Optional.ofNullable(s.getSpec().getReplicas());
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return owner.getKind() + " " + owner.getMetadata().getName();
    }
}
