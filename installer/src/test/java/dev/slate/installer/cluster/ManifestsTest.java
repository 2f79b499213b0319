package dev.slate.installer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    private final Manifests manifests = new Manifests();

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: registry.local/web:1
                      %s
            """;

    @Test
    void parsesAMultiDocumentStreamIntoTypedObjectsAndSkipsEmptyDocuments() {
        List<HasMetadata> objects = manifests.parse("""
                ---
                # Source: x/templates/cm.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {A: "1"}
                ---
                # Source: x/templates/empty.yaml
                ---
                """ + DEPLOYMENT.formatted("ports: [{containerPort: 8080}]"));

        assertThat(objects).hasSize(2);
        assertThat(objects.get(0)).isInstanceOf(ConfigMap.class);
        assertThat(((ConfigMap) objects.get(0)).getData()).containsEntry("A", "1");
        assertThat(objects.get(1)).isInstanceOf(Deployment.class);
        assertThat(((Deployment) objects.get(1)).getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void refusesAnUnknownFieldDeepInsideAnObjectAndNamesItsPath() {
        String bogus = DEPLOYMENT.formatted("imagePulPolicy: Always");

        assertThatThrownBy(() -> manifests.parse("# Source: x/templates/deployment.yaml\n" + bogus))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("document 1 (x/templates/deployment.yaml)")
                .hasMessageContaining("unknown field 'imagePulPolicy'")
                .hasMessageContaining("spec.template.spec.containers[0]");
    }

    @Test
    void refusesAnUnknownTopLevelField() {
        assertThatThrownBy(() -> manifests.parseOne("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                datas: {A: "1"}
                """))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("unknown field 'datas'");
    }

    @Test
    void refusesAValueOfTheWrongType() {
        assertThatThrownBy(() -> manifests.parseOne(DEPLOYMENT.formatted("ports: [{containerPort: [8080]}]")))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("containerPort");
    }

    @Test
    void refusesAKindTheModelDoesNotKnow() {
        assertThatThrownBy(() -> manifests.parseOne("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec: {size: 3}
                """))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("unknown kind example.com/v1 Widget");
    }

    @Test
    void refusesAnObjectWithoutKindOrName() {
        assertThatThrownBy(() -> manifests.parseOne("apiVersion: v1\nmetadata: {name: x}\n"))
                .hasMessageContaining("apiVersion and kind are required");
        assertThatThrownBy(() -> manifests.parseOne("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"))
                .hasMessageContaining("has no metadata.name");
    }
}
