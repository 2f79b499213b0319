package dev.slate.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import dev.slate.installer.cluster.ManifestException;
import dev.slate.installer.cluster.Manifests;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json (and the chart's own checks) refuse values that would render a broken or unsafe install. */
class ValuesSchemaTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("minimal", Map.of("appliance.replicas", 0), "minimum"),
                Arguments.of("minimal", Map.of("keycloak.replicas", -1), "minimum"),
                Arguments.of("minimal", Map.of("appliance.autoscaling.minReplicas", 0), "minimum"),
                Arguments.of("minimal", Map.of("replicaCount", 2), "additional properties"),
                Arguments.of("minimal", Map.of("appliance.replica", 2), "additional properties"),
                // there is no inline password field anywhere: an attempt to add one is an unknown key
                Arguments.of(
                        "external-databases",
                        Map.of("postgresql.external.password", "hunter2"),
                        "additional properties"),
                Arguments.of(
                        "minimal", Map.of("redis.external.url", "redis://:pw@redis:6379"), "additional properties"),
                Arguments.of("minimal", Map.of("appliance.config.slate\\.db\\.password", "hunter2"), "not"),
                Arguments.of("minimal", Map.of("appliance.image.digest", "sha256:xyz"), "sha256"),
                Arguments.of(
                        "minimal",
                        Map.of("appliance.offlineStorage.accessMode", "ReadWriteSometimes"),
                        "ReadWriteOnce"),
                Arguments.of("minimal", Map.of("image.pullPolicy", "Sometimes"), "IfNotPresent"),
                Arguments.of("minimal", Map.of("keycloak.hostname", "https://user:pw@auth.example"), "pattern"),
                Arguments.of("minimal", Map.of("postgresql.bundled", false), "minLength"),
                Arguments.of("minimal", Map.of("redis.bundled", false), "minLength"),
                Arguments.of("minimal", Map.of("podDisruptionBudget.maxUnavailable", 0), "minimum"));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("refused")
    void templateRefusesValuesTheSchemaForbids(String profile, Map<String, Object> sets, String reason) {
        assertThatThrownBy(() -> Chart.render(profile, sets))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(reason);
    }

    @Test
    void lintRefusesValuesTheSchemaForbids() {
        ObjectNode values = Chart.mergedValues("minimal");
        values.with("appliance").put("replicas", 0);
        values.put("bogus", true);

        LintResult lint = Chart.lintWith(values);

        assertThat(lint.isFailed()).isTrue();
        assertThat(String.join("\n", lint.getMessages()))
                .contains("schema")
                .contains("replicas")
                .contains("bogus");
    }

    @Test
    void aFreeFormValueWithAFieldKubernetesDoesNotHaveIsCaughtByTheStrictParse() {
        // affinity is passed through as given (the schema only says "object"): the strict Fabric8 parse
        // is what refuses a misspelt field before anything reaches a cluster
        String rendered = Chart.render("minimal", Map.of("appliance.affinity.podAntiAfinity.x", "y"));

        assertThatThrownBy(() -> new Manifests().parse(rendered))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("slate/templates/appliance-deployment.yaml")
                .hasMessageContaining("unknown field 'podAntiAfinity' at spec.template.spec.affinity.podAntiAfinity");
    }

    @Test
    void moreThanOneReplicaNeedsASharedOfflineVolume() {
        assertThatThrownBy(() -> Chart.render("minimal", Map.of("appliance.replicas", 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ReadWriteMany");
        assertThat(Chart.render(
                        "minimal",
                        Map.of("appliance.replicas", 2, "appliance.offlineStorage.accessMode", "ReadWriteMany")))
                .contains("kind: PodDisruptionBudget");
    }

    @Test
    void autoscalingBoundsMustBeOrdered() {
        assertThatThrownBy(() -> Chart.render("ha", Map.of("appliance.autoscaling.maxReplicas", 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxReplicas must not be below minReplicas");
    }
}
