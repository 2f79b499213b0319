package dev.slate.installer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The backup and restore Jobs the installer renders, for the chart's bundled and external databases. */
class DatabaseJobsTest {
    private final Manifests manifests = new Manifests();

    @Test
    void aBundledDatabaseIsDumpedWithTheChartsPostgresImageAndTheAppliancesCredentials() {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render("minimal"));
        DatabaseJobs jobs = DatabaseJobs.of("slate", "slate", objects, Optional.empty());

        Job backup = jobs.backup(DatabaseJobs.backupJobName("slate", 2), "slate-r1-before-r2.dump");

        assertThat(backup.getMetadata().getName()).isEqualTo("slate-db-backup-r2");
        PodSpec pod = backup.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("registry.local:5000/slate/postgresql:15");
        assertThat(container.getCommand())
                .startsWith("/bin/sh", "-c")
                .last()
                .asString()
                .contains("pg_dump -Fc --no-owner -f \"/backups/$BACKUP_FILE.partial\"")
                .contains("mv \"/backups/$BACKUP_FILE.partial\" \"/backups/$BACKUP_FILE\"");
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("PGHOST").getValueFrom().getConfigMapKeyRef().getKey())
                .isEqualTo("SLATE_DB_HOST");
        assertThat(env.get("PGHOST").getValueFrom().getConfigMapKeyRef().getName())
                .isEqualTo("slate-appliance");
        assertThat(env.get("PGPASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("slate-postgresql");
        assertThat(env.get("PGPASSWORD").getValue())
                .as("never a literal password")
                .isNull();
        assertThat(env.get("BACKUP_FILE").getValue()).isEqualTo("slate-r1-before-r2.dump");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(backup.getSpec().getBackoffLimit()).isZero();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getVolumes())
                .anySatisfy(v ->
                        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("slate-db-backups"));
        assertThat(jobs.claim("10Gi", Optional.empty()).getMetadata().getName()).isEqualTo("slate-db-backups");
        // what the installer makes parses as strictly as the chart's own objects
        assertThat(manifests.parseOne(new KubernetesSerialization().asYaml(backup)))
                .isInstanceOf(Job.class);
    }

    @Test
    void theRestoreJobRestoresInOneTransactionFromTheNamedDump() {
        DatabaseJobs jobs =
                DatabaseJobs.of("slate", "slate", manifests.parse(RenderedChart.render("minimal")), Optional.empty());

        Job restore = jobs.restore(DatabaseJobs.restoreJobName("slate", 3), "slate-r1-before-r2.dump");

        assertThat(restore.getMetadata().getName()).isEqualTo("slate-db-restore-r3");
        assertThat(restore.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getCommand())
                .last()
                .asString()
                .contains("test -s \"/backups/$BACKUP_FILE\"")
                .contains("pg_restore --clean --if-exists --no-owner --single-transaction -d \"$PGDATABASE\"");
    }

    @Test
    void anExternalDatabaseNeedsABackupImageAndUsesItsOwnSecretAndPort() {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render("external-databases"));

        assertThatThrownBy(() -> DatabaseJobs.of("slate", "slate", objects, Optional.empty()))
                .hasMessageContaining("--backup-image");

        DatabaseJobs jobs = DatabaseJobs.of("slate", "slate", objects, Optional.of("registry.local:5000/pg-tools:15"));
        Container container = jobs.backup("b", "f.dump")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(container.getImage()).isEqualTo("registry.local:5000/pg-tools:15");
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("PGPASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("slate-postgresql-credentials");
        assertThat(env.get("PGUSER").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("username");
        List<NetworkPolicy> policies = jobs.networkPolicies();
        assertThat(policies.getFirst()
                        .getSpec()
                        .getEgress()
                        .getFirst()
                        .getPorts()
                        .getFirst()
                        .getPort()
                        .getIntVal())
                .isEqualTo(5432);
        assertThat(policies.getFirst().getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", DatabaseJobs.COMPONENT);
    }

    @Test
    void verbsWithClusterAreTheClusterCommands() {
        assertThat(ClusterLifecycleCommands.aliased(new String[] {"install", "--cluster", "-n", "x"}))
                .containsExactly("cluster", "install", "-n", "x");
        assertThat(ClusterLifecycleCommands.aliased(new String[] {"status", "--prefix", "/opt/slate"}))
                .containsExactly("status", "--prefix", "/opt/slate");
        assertThat(ClusterLifecycleCommands.aliased(new String[] {"query", "--cluster"}))
                .containsExactly("query", "--cluster");
    }
}
