package dev.slate.installer.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects the installer renders itself (not part of the chart) to back up and restore the metadata
 * database in a cluster (docs/install.md, "Upgrade and rollback in a cluster"):
 *
 * <ul>
 *   <li>a PVC {@code RELEASE-slate-db-backups} holding the dumps (kept on uninstall unless {@code --delete-data});
 *   <li>a backup Job running {@code pg_dump -Fc} into {@code /backups/NAME.dump} (written as {@code .partial} and
 *       renamed when complete), and a restore Job running {@code pg_restore --clean --if-exists
 *       --single-transaction} from it;
 *   <li>a NetworkPolicy letting those Job pods (component {@code db-backup}) reach the database, and the bundled
 *       PostgreSQL accept them: the chart denies all traffic it does not name.
 * </ul>
 *
 * The connection comes from the rendered appliance Deployment: its ConfigMap's {@code SLATE_DB_HOST},
 * {@code SLATE_DB_PORT}, {@code SLATE_DB_NAME}, and its {@code SLATE_DB_USERNAME} and {@code SLATE_DB_PASSWORD}
 * entries (Secret references) become libpq's {@code PG*} variables. The image is the chart's PostgreSQL image when
 * the database is bundled, otherwise {@code --backup-image} (any image with {@code pg_dump} of the server's major
 * version and a shell).
 */
public final class DatabaseJobs {
    public static final String COMPONENT = "db-backup";
    static final String MOUNT = "/backups";

    private final String release;
    private final String namespace;
    private final Deployment appliance;
    private final String image;
    private final String port;

    private DatabaseJobs(String release, String namespace, Deployment appliance, String image, String port) {
        this.release = release;
        this.namespace = namespace;
        this.appliance = appliance;
        this.image = image;
        this.port = port;
    }

    /**
     * @param objects the rendered objects of the revision whose database is backed up or restored
     * @param backupImage {@code --backup-image}; needed when the chart has no bundled PostgreSQL
     * @throws IllegalArgumentException when the rendering has no appliance Deployment or no image is known
     */
    public static DatabaseJobs of(
            String release, String namespace, List<HasMetadata> objects, Optional<String> backupImage) {
        Deployment appliance = component(objects, Deployment.class, "appliance")
                .orElseThrow(() -> new IllegalArgumentException("the rendering has no appliance Deployment"));
        Optional<StatefulSet> postgres = component(objects, StatefulSet.class, "postgresql");
        String image = backupImage
                .or(() -> postgres.map(s -> s.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage()))
                .orElseThrow(() -> new IllegalArgumentException("the database is external: give --backup-image"
                        + " (an image with pg_dump and pg_restore of the server's major version)"));
        // the port the database listens on, for the NetworkPolicies: the appliance ConfigMap's SLATE_DB_PORT
        String port = component(objects, ConfigMap.class, "appliance")
                .map(ConfigMap::getData)
                .map(data -> data.get("SLATE_DB_PORT"))
                .filter(p -> p.matches("[0-9]{1,5}"))
                .orElse("5432");
        return new DatabaseJobs(release, namespace, appliance, image, port);
    }

    static <T extends HasMetadata> Optional<T> component(List<HasMetadata> objects, Class<T> type, String component) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> o.getMetadata().getLabels() != null
                        && component.equals(o.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst();
    }

    public String image() {
        return image;
    }

    /** The chart's name prefix for a release without name overrides ({@code slate.fullname} in _helpers.tpl). */
    static String fullname(String release) {
        return release.contains("slate") ? release : release + "-slate";
    }

    public static String claimName(String release) {
        return fullname(release) + "-db-backups";
    }

    public static String backupJobName(String release, int revision) {
        return fullname(release) + "-db-backup-r" + revision;
    }

    public static String restoreJobName(String release, int revision) {
        return fullname(release) + "-db-restore-r" + revision;
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "slate");
        labels.put("app.kubernetes.io/instance", release);
        labels.put("app.kubernetes.io/component", COMPONENT);
        labels.put("app.kubernetes.io/part-of", "slate");
        labels.put("app.kubernetes.io/managed-by", ReleaseStore.OWNER);
        return labels;
    }

    public PersistentVolumeClaim claim(String size, Optional<String> storageClass) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(claimName(release))
                .withNamespace(namespace)
                .withLabels(labels())
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storageClass.orElse(null))
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity(size)))
                .endResources()
                .endSpec()
                .build();
    }

    /** Lets the Job pods reach the database (and DNS), and the bundled PostgreSQL accept them. */
    public List<NetworkPolicy> networkPolicies() {
        Map<String, String> self =
                Map.of("app.kubernetes.io/instance", release, "app.kubernetes.io/component", COMPONENT);
        NetworkPolicy egress = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(fullname(release) + "-db-backup")
                .withNamespace(namespace)
                .withLabels(labels())
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(self)
                .endPodSelector()
                .withPolicyTypes("Egress")
                .addNewEgress()
                .addNewPort()
                .withProtocol("TCP")
                .withNewPort(Integer.parseInt(port))
                .endPort()
                .endEgress()
                .addNewEgress()
                .addNewPort()
                .withProtocol("UDP")
                .withNewPort(53)
                .endPort()
                .addNewPort()
                .withProtocol("TCP")
                .withNewPort(53)
                .endPort()
                .endEgress()
                .endSpec()
                .build();
        NetworkPolicy ingress = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(fullname(release) + "-db-backup-to-postgresql")
                .withNamespace(namespace)
                .withLabels(labels())
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(
                        Map.of("app.kubernetes.io/instance", release, "app.kubernetes.io/component", "postgresql"))
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .addNewFrom()
                .withNewPodSelector()
                .withMatchLabels(self)
                .endPodSelector()
                .endFrom()
                .addNewPort()
                .withProtocol("TCP")
                .withNewPort(Integer.parseInt(port))
                .endPort()
                .endIngress()
                .endSpec()
                .build();
        return List.of(egress, ingress);
    }

    /** {@code pg_dump -Fc} of the metadata database into {@code /backups/FILE} (written whole, then renamed). */
    public Job backup(String jobName, String file) {
        return job(
                jobName,
                file,
                "set -eu; pg_dump -Fc --no-owner -f \"/backups/$BACKUP_FILE.partial\""
                        + " && mv \"/backups/$BACKUP_FILE.partial\" \"/backups/$BACKUP_FILE\"");
    }

    /** {@code pg_restore --clean --if-exists --single-transaction} of {@code /backups/FILE} into the database. */
    public Job restore(String jobName, String file) {
        return job(
                jobName,
                file,
                "set -eu; test -s \"/backups/$BACKUP_FILE\";"
                        + " pg_restore --clean --if-exists --no-owner --single-transaction -d \"$PGDATABASE\""
                        + " \"/backups/$BACKUP_FILE\"");
    }

    private Job job(String jobName, String file, String script) {
        Container container = appliance.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("appliance"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the appliance Deployment has no container appliance"));
        String configMap = container.getEnvFrom() == null
                ? null
                : container.getEnvFrom().stream()
                        .map(EnvFromSource::getConfigMapRef)
                        .filter(ref -> ref != null)
                        .map(ref -> ref.getName())
                        .findFirst()
                        .orElse(null);
        if (configMap == null) {
            throw new IllegalArgumentException("the appliance takes no settings ConfigMap: cannot find the database");
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(fromConfigMap("PGHOST", configMap, "SLATE_DB_HOST"));
        env.add(fromConfigMap("PGPORT", configMap, "SLATE_DB_PORT"));
        env.add(fromConfigMap("PGDATABASE", configMap, "SLATE_DB_NAME"));
        env.add(renamed(container, "SLATE_DB_USERNAME", "PGUSER"));
        env.add(renamed(container, "SLATE_DB_PASSWORD", "PGPASSWORD"));
        env.add(new EnvVarBuilder().withName("BACKUP_FILE").withValue(file).build());
        Map<String, String> podLabels = labels();
        return new JobBuilder()
                .withNewMetadata()
                .withName(jobName)
                .withNamespace(namespace)
                .withLabels(labels())
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(999L)
                .withRunAsGroup(999L)
                .withFsGroup(999L)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName("pg")
                .withImage(image)
                .withCommand("/bin/sh", "-c", script)
                .withEnv(env)
                .withNewSecurityContext()
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
                .withLimits(Map.of("memory", new Quantity("1Gi")))
                .endResources()
                .addNewVolumeMount()
                .withName("backups")
                .withMountPath(MOUNT)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("backups")
                .withNewPersistentVolumeClaim()
                .withClaimName(claimName(release))
                .endPersistentVolumeClaim()
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static EnvVar fromConfigMap(String name, String configMap, String key) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewConfigMapKeyRef()
                .withName(configMap)
                .withKey(key)
                .endConfigMapKeyRef()
                .endValueFrom()
                .build();
    }

    private static EnvVar renamed(Container container, String from, String to) {
        EnvVar source = container.getEnv() == null
                ? null
                : container.getEnv().stream()
                        .filter(e -> e.getName().equals(from))
                        .findFirst()
                        .orElse(null);
        if (source == null) {
            throw new IllegalArgumentException("the appliance container has no " + from + ": cannot find the database");
        }
        return new EnvVarBuilder(source).withName(to).build();
    }
}
