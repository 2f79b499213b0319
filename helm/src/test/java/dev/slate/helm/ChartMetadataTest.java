package dev.slate.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chart agrees with the build and the rest of the repository, and its RBAC stays least privilege. */
class ChartMetadataTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> RECONCILER_VERBS = Set.of("get", "list", "watch", "create", "patch", "delete");

    @Test
    void chartVersionAndAppVersionAreTheProjectVersion() throws IOException {
        JsonNode chart = YAML.readTree(Chart.DIR.resolve("Chart.yaml").toFile());
        String version = System.getProperty("slate.project.version");

        assertThat(version).isNotBlank();
        assertThat(chart.path("version").asText()).isEqualTo(version);
        assertThat(chart.path("appVersion").asText()).isEqualTo(version);
    }

    @Test
    void theRealmFileIsTheOneTheAuthModuleShips() throws IOException {
        Path auth = Path.of(System.getProperty("slate.realm.template"));

        assertThat(Files.readString(Chart.DIR.resolve("files/slate-realm.json")))
                .as("helm/slate/files/slate-realm.json must be a copy of %s", auth)
                .isEqualTo(Files.readString(auth));
    }

    @Test
    void theControlPlaneRoleGrantsOnlyTheReconcilersObjectsAndVerbs() {
        List<HasMetadata> objects = Chart.objects("minimal");
        Role role = objects.stream()
                .filter(Role.class::isInstance)
                .map(Role.class::cast)
                .findFirst()
                .orElseThrow();

        assertThat(role.getRules()).allSatisfy(ChartMetadataTest::isReconcilerRule);
        assertThat(role.getRules())
                .flatExtracting(PolicyRule::getResources)
                .containsExactlyInAnyOrder(
                        "deployments",
                        "services",
                        "configmaps",
                        "horizontalpodautoscalers",
                        "poddisruptionbudgets",
                        "networkpolicies");
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
    }

    @Test
    void managingNamespacesAddsOnlyNamespaceVerbsClusterWide() {
        List<HasMetadata> objects = Chart.objects("minimal", Map.of("controlPlane.manageNamespaces", true));

        ClusterRole role = objects.stream()
                .filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(role.getRules()).allSatisfy(ChartMetadataTest::isReconcilerRule);
        assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).contains("namespaces");
        assertThat(objects).noneMatch(Role.class::isInstance);
    }

    @Test
    void noControlPlaneMeansNoRoleAndNoServiceAccountToken() {
        List<HasMetadata> objects = Chart.objects("minimal", Map.of("controlPlane.enabled", false));

        assertThat(objects)
                .noneMatch(o -> o.getKind().endsWith("Role") || o.getKind().endsWith("RoleBinding"));
        assertThat(Pods.of(objects))
                .allSatisfy(p -> assertThat(p.template().getSpec().getAutomountServiceAccountToken())
                        .isFalse());
    }

    private static void isReconcilerRule(PolicyRule rule) {
        assertThat(rule.getVerbs()).as("verbs of %s", rule.getResources()).isSubsetOf(RECONCILER_VERBS);
        assertThat(rule.getResources()).doesNotContain("*", "secrets", "pods", "pods/exec", "roles", "rolebindings");
        assertThat(rule.getApiGroups()).doesNotContain("*");
        assertThat(rule.getResourceNames()).isEmpty();
        assertThat(rule.getNonResourceURLs()).isEmpty();
    }
}
