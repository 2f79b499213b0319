package dev.slate.installer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.installer.SlateCli;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate cluster apply} against the Fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class ClusterCommandTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run slate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SlateCli.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void appliesTheRenderedChartThroughAKubeconfigAndASecondRunChangesNothing() throws IOException {
        Path manifests = Files.writeString(dir.resolve("slate.yaml"), RenderedChart.render("minimal"));
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                  - name: installer
                    user: {token: not-a-secret}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: installer}
                current-context: mock
                """.formatted(
                        client.getConfiguration().getMasterUrl()));

        Run first = slate(
                "cluster", "apply", "-f", manifests.toString(), "-n", "slate", "--kubeconfig", kubeconfig.toString());
        Run second = slate(
                "cluster", "apply", "-f", manifests.toString(), "-n", "slate", "--kubeconfig", kubeconfig.toString());

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("created    Deployment slate/slate-appliance")
                .contains("objects applied to namespace slate");
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace("slate")
                        .withName("slate-postgresql")
                        .get())
                .isNotNull();
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out())
                .doesNotContain("created")
                .doesNotContain("configured")
                .contains("unchanged  Deployment slate/slate-appliance")
                .contains("kept       Secret slate/slate-postgresql");
    }

    @Test
    void dryRunChecksAndListsTheObjectsInInstallOrderWithoutACluster() throws IOException {
        Path manifests = Files.writeString(dir.resolve("slate.yaml"), RenderedChart.render("minimal"));

        Run run = slate("cluster", "apply", "-f", manifests.toString(), "-n", "slate", "--dry-run");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("24 objects are valid");
        assertThat(run.out().indexOf("Secret slate-postgresql"))
                .isLessThan(run.out().indexOf("StatefulSet slate-postgresql"));
    }

    @Test
    void aManifestWithAnUnknownFieldIsRefusedBeforeAnythingIsApplied() throws IOException {
        String rendered =
                RenderedChart.render("minimal").replace("revisionHistoryLimit: 5", "revisionHistoryLimits: 5");
        Path manifests = Files.writeString(dir.resolve("slate.yaml"), rendered);

        Run run = slate("cluster", "apply", "-f", manifests.toString(), "-n", "slate", "--dry-run");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .contains("slate/templates/appliance-deployment.yaml")
                .contains("unknown field 'revisionHistoryLimits' at spec");
    }

    @Test
    void withoutAKubeconfigItRefusesInsteadOfGuessingACluster() throws IOException {
        Path manifests = Files.writeString(dir.resolve("slate.yaml"), RenderedChart.render("minimal"));

        Run run = slate("cluster", "apply", "-f", manifests.toString(), "-n", "slate");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no cluster given: pass --kubeconfig");
        assertThat(client.configMaps().inNamespace("slate").list().getItems()).isEmpty();
    }
}
