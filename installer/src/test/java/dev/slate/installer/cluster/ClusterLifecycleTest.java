package dev.slate.installer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.installer.SlateCli;
import dev.slate.installer.registry.ImagePusher;
import dev.slate.installer.registry.LocalRegistry;
import dev.slate.installer.registry.RegistryAddress;
import dev.slate.installer.registry.RegistryClient;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode end to end through the command line: bundles written with {@link ClusterTestBundles}, the images
 * pushed into a real registry (Debian's docker-registry on 127.0.0.1), the chart rendered with helm-java and applied
 * to the Fabric8 mock API server in CRUD mode. The mock has no controllers: {@link FakeKubelet} writes the status
 * a healthy (or, where a test says so, failing) cluster would, and the API server's version and access reviews
 * are expectations.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterLifecycleTest {
    static final String NS = "slate";
    static final String V1 = "1.0.0";
    static final String V2 = "2.0.0";

    /** the mock logs every request at INFO; the fake kubelet polls, so that would be thousands of lines */
    static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    @TempDir
    static Path shared;

    static LocalRegistry registry;
    static ClusterTestBundles bundles;
    static ClusterTestBundles.Built bundle1;
    static ClusterTestBundles.Built bundle2;

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    Path kubeconfig;
    Path valuesV1;
    Path valuesV2;
    FakeKubelet kubelet;
    /** (resource, verb) pairs the access reviews deny */
    BiPredicate<String, String> denied = (resource, verb) -> false;

    @BeforeAll
    static void startRegistryAndBuildBundles() throws IOException {
        MOCK_LOG.setLevel(Level.WARNING);
        registry = LocalRegistry.start(shared.resolve("registry"), Optional.empty(), Optional.empty());
        bundles = new ClusterTestBundles(shared.resolve("keys"));
        bundle1 = bundles.bundle(shared, V1, 11);
        bundle2 = bundles.bundle(shared, V2, 22);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void cluster() throws IOException {
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
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
        // v1: two Keycloak pods (so a PodDisruptionBudget); v2: one Keycloak (PDB removed), an autoscaled appliance
        // on a shared volume (HPA and an appliance PDB added, the Deployment changed)
        valuesV1 = Files.writeString(dir.resolve("v1.yaml"), "keycloak:\n  replicas: 2\n");
        valuesV2 = Files.writeString(dir.resolve("v2.yaml"), """
                keycloak:
                  replicas: 1
                appliance:
                  offlineStorage:
                    accessMode: ReadWriteMany
                  autoscaling:
                    enabled: true
                    minReplicas: 2
                    maxReplicas: 4
                """);
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("31")
                .withGitVersion("v1.31.2")
                .build());
        ObjectMapper json = new ObjectMapper();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                .andReply(201, request -> {
                    try {
                        ObjectNode review = (ObjectNode) json.readTree(request.getUtf8Body());
                        var attributes = review.path("spec").path("resourceAttributes");
                        boolean no = denied.test(
                                attributes.path("resource").asText(),
                                attributes.path("verb").asText());
                        review.putObject("status").put("allowed", !no).put("reason", no ? "RBAC: not granted" : "");
                        return review;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .always();
        client.resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("standard")
                        .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true"))
                        .endMetadata()
                        .withProvisioner("example.com/disk")
                        .build())
                .create();
        client.resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("node-1")
                        .endMetadata()
                        .withNewStatus()
                        .withAllocatable(Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi")))
                        .endStatus()
                        .build())
                .create();
        kubelet = new FakeKubelet(client, NS);
    }

    @AfterEach
    void stopKubelet() {
        kubelet.close();
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run slate(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SlateCli.run(
                args.toArray(String[]::new), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    List<String> target(String verb) {
        return new ArrayList<>(List.of(
                verb,
                "--cluster",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                NS,
                "--poll-interval",
                "20ms",
                "--timeout",
                "60s"));
    }

    List<String> withBundle(String verb, ClusterTestBundles.Built bundle, Path values) {
        List<String> args = target(verb);
        args.addAll(List.of(
                "--from-bundle",
                bundle.tar().toString(),
                "--public-key",
                bundles.publicKey().toString(),
                "-f",
                values.toString(),
                "--registry",
                registry.host() + "/acme",
                "--insecure-registry"));
        return args;
    }

    Deployment appliance() {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("slate-appliance")
                .get();
    }

    String applianceImage() {
        return appliance()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getImage();
    }

    String expectedImage(ClusterTestBundles.Built bundle, String version) {
        return registry.host() + "/acme/slate/appliance@" + bundle.digest("appliance", version);
    }

    ReleaseStore store() {
        return new ReleaseStore(client, NS, "slate");
    }

    boolean exists(String kind, String name) {
        return switch (kind) {
            case "pdb" ->
                client.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NS)
                                .withName(name)
                                .get()
                        != null;
            case "hpa" ->
                client.autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .inNamespace(NS)
                                .withName(name)
                                .get()
                        != null;
            case "pvc" ->
                client.persistentVolumeClaims().inNamespace(NS).withName(name).get() != null;
            case "secret" -> client.secrets().inNamespace(NS).withName(name).get() != null;
            case "deployment" ->
                client.apps().deployments().inNamespace(NS).withName(name).get() != null;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    void installStatusUpgradeRollbackUninstallKeepingDataThenDeletingIt() throws IOException {
        // install
        Run install = slate(withBundle("install", bundle1, valuesV1));
        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(install.out())
                .contains(
                        "· verify-bundle",
                        "· preflight",
                        "PASS kubernetes-version",
                        "PASS permissions",
                        "· push-images",
                        "· render",
                        "· apply",
                        "· record",
                        "revision 1");
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle1, V1));
        assertThat(exists("pdb", "slate-keycloak")).isTrue();
        assertThat(exists("hpa", "slate-appliance")).isFalse();
        Release first = store().deployed().orElseThrow();
        assertThat(first.revision()).isEqualTo(1);
        assertThat(first.version()).isEqualTo(V1);
        assertThat(first.images())
                .containsEntry("appliance", expectedImage(bundle1, V1))
                .containsEntry("keycloak", registry.host() + "/acme/slate/keycloak@" + bundle1.digest("keycloak", V1));
        assertThat(first.valuesDigest()).startsWith("sha256:");
        assertThat(new Manifests().parse(first.manifest())).isNotEmpty();
        RegistryClient pulled =
                new RegistryClient(RegistryAddress.parse(registry.host(), true), Optional.empty(), Optional.empty());
        assertThat(pulled.manifestDigest("acme/slate/appliance", V1, ImagePusher.acceptedManifestTypes()))
                .contains(bundle1.digest("appliance", V1));
        Secret generated =
                client.secrets().inNamespace(NS).withName("slate-postgresql").get();
        assertThat(generated).isNotNull();

        // status: the fake kubelet reports every workload ready
        Run status = slate(target("status"));
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out())
                .contains("latest revision 1: install " + V1 + ", deployed")
                .contains("ready       Deployment slate/slate-appliance (1/1 ready)")
                .contains("All objects ready.");

        // upgrade: backup Job, one object removed, one changed, two added
        Run upgrade = slate(withBundle("upgrade", bundle2, valuesV2));
        assertThat(upgrade.exit()).as(upgrade.all()).isZero();
        assertThat(upgrade.out())
                .contains(
                        "· backup",
                        "pg_dump -Fc to slate-r1-before-r2.dump",
                        "pruned PodDisruptionBudget slate-keycloak",
                        "· wait-ready",
                        "Upgraded release slate to " + V2 + " (revision 2)");
        Job backup = client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName("slate-db-backup-r2")
                .get();
        assertThat(backup).isNotNull();
        var pod = backup.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().getFirst().getCommand())
                .last()
                .asString()
                .contains("pg_dump -Fc");
        assertThat(pod.getContainers().getFirst().getImage()).isEqualTo(registry.host() + "/acme/slate/postgresql:15");
        assertThat(pod.getContainers().getFirst().getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("PGPASSWORD");
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("slate-postgresql");
                })
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("BACKUP_FILE");
                    assertThat(e.getValue()).isEqualTo("slate-r1-before-r2.dump");
                });
        assertThat(pod.getVolumes())
                .anySatisfy(v ->
                        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("slate-db-backups"));
        assertThat(exists("pvc", "slate-db-backups")).isTrue();
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle2, V2));
        assertThat(exists("pdb", "slate-keycloak"))
                .as("removed by the new rendering")
                .isFalse();
        assertThat(exists("hpa", "slate-appliance")).as("added").isTrue();
        assertThat(exists("pdb", "slate-appliance")).as("added").isTrue();
        assertThat(store().history())
                .extracting(Release::revision, Release::status)
                .containsExactly(tuple(1, Release.Status.SUPERSEDED), tuple(2, Release.Status.DEPLOYED));
        assertThat(store().revision(2).orElseThrow().backup()).isEqualTo("slate-r1-before-r2.dump");

        // rollback: restore Job from that backup, the v1 manifest again (HPA pruned, Keycloak PDB back)
        Run rollback = slate(target("rollback"));
        assertThat(rollback.exit()).as(rollback.all()).isZero();
        assertThat(rollback.out()).contains("· scale-down", "· restore", "pg_restore from slate-r1-before-r2.dump");
        Job restore = client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName("slate-db-restore-r3")
                .get();
        assertThat(restore).isNotNull();
        // the restore command itself: DatabaseJobsTest; here, that it restores the backup of the upgrade
        assertThat(restore.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("slate-r1-before-r2.dump"));
        assertThat(restore.getStatus().getSucceeded())
                .as("the installer waited for it")
                .isEqualTo(1);
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle1, V1));
        assertThat(exists("hpa", "slate-appliance")).isFalse();
        assertThat(exists("pdb", "slate-keycloak")).isTrue();
        Release third = store().deployed().orElseThrow();
        assertThat(third.revision()).isEqualTo(3);
        assertThat(third.rolledBackTo()).isEqualTo(1);
        assertThat(third.version()).isEqualTo(V1);

        // uninstall keeps the data: volumes (also a StatefulSet's claim, made by its controller in a real cluster)
        // and the generated credentials
        client.resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("data-slate-postgresql-0")
                        .withNamespace(NS)
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources()
                        .withRequests(Map.of("storage", new Quantity("10Gi")))
                        .endResources()
                        .endSpec()
                        .build())
                .create();
        List<String> claimsBefore = claimNames();
        Run uninstall = slate(target("uninstall"));
        assertThat(uninstall.exit()).as(uninstall.all()).isZero();
        assertThat(exists("deployment", "slate-appliance")).isFalse();
        assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems())
                .isEmpty();
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(claimNames())
                .containsExactlyInAnyOrderElementsOf(claimsBefore)
                .contains("slate-appliance-offline", "slate-db-backups", "data-slate-postgresql-0");
        assertThat(exists("secret", "slate-postgresql")).isTrue();
        assertThat(store().history()).isEmpty();
        assertThat(slate(target("status")).exit()).isEqualTo(1);

        // a later install finds the data: the database password is the one the data was written with
        Run again = slate(withBundle("install", bundle1, valuesV1));
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(client.secrets()
                        .inNamespace(NS)
                        .withName("slate-postgresql")
                        .get()
                        .getData())
                .isEqualTo(generated.getData());

        // uninstall --delete-data removes the volumes and the credentials too
        Run purge = slate(appended(target("uninstall"), "--delete-data"));
        assertThat(purge.exit()).as(purge.all()).isZero();
        assertThat(claimNames()).isEmpty();
        assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems())
                .isEmpty();
    }

    @Test
    void anInterruptedInstallSaysWhichStepFailedAndARerunContinuesThere() {
        // the API server refuses the first Deployment once (an admission webhook that was not ready; the client
        // retries 5xx answers itself, so the refusal is a 403)
        server.expect()
                .post()
                .withPath("/apis/apps/v1/namespaces/slate/deployments")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withMessage("admission webhook \"quota.example.com\" is not ready")
                                .build())
                .once();

        Run failed = slate(withBundle("install", bundle1, valuesV1));

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err())
                .contains("step apply failed", "Deployment slate/slate-", "run the same command again to continue");
        Release pending = store().latest().orElseThrow();
        assertThat(pending.status()).isEqualTo(Release.Status.FAILED);
        assertThat(pending.failedStep()).isEqualTo("apply");
        assertThat(pending.doneSteps()).containsExactly("push-images", "render");

        Run resumed = slate(withBundle("install", bundle1, valuesV1));

        assertThat(resumed.exit()).as(resumed.all()).isZero();
        assertThat(resumed.out())
                .contains("Continuing install of revision 1 (done before: push-images, render); it failed at apply")
                .contains("· push-images: done before, skipped", "· render: done before, skipped");
        Release done = store().latest().orElseThrow();
        assertThat(done.status()).isEqualTo(Release.Status.DEPLOYED);
        assertThat(done.manifest())
                .as("the rendering of the first run, not a new one")
                .isEqualTo(pending.manifest());
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle1, V1));
    }

    @Test
    void aTamperedBundleIsRefusedBeforeAnythingChanges() throws IOException {
        Path tampered = dir.resolve("tampered.tar");
        byte[] bytes = Files.readAllBytes(bundle2.tar());
        byte[] marker = "slate.dev/apply-policy".getBytes(StandardCharsets.UTF_8); // inside a chart template
        int at = indexOf(bytes, marker);
        assertThat(at).isPositive();
        bytes[at + 3] ^= 0x01;
        Files.write(tampered, bytes);
        List<String> args = withBundle("install", bundle2, valuesV1);
        args.set(args.indexOf(bundle2.tar().toString()), tampered.toString());
        args.set(args.indexOf(registry.host() + "/acme"), registry.host() + "/tampered");

        Run run = slate(args);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("step verify-bundle failed", "refused", "nothing was changed");
        assertThat(client.namespaces().list().getItems()).isEmpty();
        assertThat(client.secrets().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(client.apps().deployments().inAnyNamespace().list().getItems())
                .isEmpty();
        RegistryClient pulled =
                new RegistryClient(RegistryAddress.parse(registry.host(), true), Optional.empty(), Optional.empty());
        assertThat(pulled.manifestDigest("tampered/slate/appliance", V2, ImagePusher.acceptedManifestTypes()))
                .as("nothing pushed")
                .isEmpty();
    }

    @Test
    void aBundleOfAnotherVersionThanExpectedIsRefused() {
        List<String> args = withBundle("install", bundle1, valuesV1);
        args.addAll(List.of("--expect-version", V2));

        Run run = slate(args);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("step verify-bundle failed", V1, V2);
        assertThat(client.namespaces().list().getItems()).isEmpty();
    }

    @Test
    void anUpgradeWhoseMigrationFailsRestoresTheDataAndLeavesTheOldVersionRunning() {
        assertThat(slate(withBundle("install", bundle1, valuesV1)).exit()).isZero();
        String newImage = expectedImage(bundle2, V2);
        // the new appliance never becomes ready: its Flyway migration fails at start
        kubelet.failing(o -> o instanceof Deployment d
                && d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage()
                        .equals(newImage));

        Run upgrade = slate(withBundle("upgrade", bundle2, valuesV2));

        assertThat(upgrade.exit()).isEqualTo(1);
        assertThat(upgrade.err()).contains("step wait-ready failed", "ProgressDeadlineExceeded");
        assertThat(upgrade.out())
                .contains("restoring the database from slate-r1-before-r2.dump")
                .contains("Revision 1 (" + V1 + ") runs again with the data restored.");
        Job restore = client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName("slate-db-restore-r2")
                .get();
        assertThat(restore).isNotNull();
        assertThat(restore.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("slate-r1-before-r2.dump"));
        assertThat(restore.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle1, V1));
        assertThat(exists("hpa", "slate-appliance")).isFalse();
        assertThat(exists("pdb", "slate-keycloak")).isTrue();
        assertThat(store().history())
                .extracting(Release::revision, Release::status)
                .containsExactly(tuple(1, Release.Status.DEPLOYED), tuple(2, Release.Status.ROLLED_BACK));
        Run status = slate(target("status"));
        assertThat(status.out())
                .contains("latest revision 2: upgrade " + V2 + ", rolled_back (upgrade failed at wait-ready")
                .contains("deployed revision 1: " + V1)
                .contains("All objects ready.");
    }

    @Test
    void aFailedBackupStopsTheUpgradeBeforeAnyChangeAndARerunRetriesIt() {
        assertThat(slate(withBundle("install", bundle1, valuesV1)).exit()).isZero();
        kubelet.failing(o -> o instanceof Job j && j.getMetadata().getName().contains("db-backup"));

        Run failed = slate(withBundle("upgrade", bundle2, valuesV2));

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("step backup failed", "BackoffLimitExceeded");
        assertThat(applianceImage()).as("nothing applied").isEqualTo(expectedImage(bundle1, V1));
        Release pending = store().latest().orElseThrow();
        assertThat(pending.failedStep()).isEqualTo("backup");
        Run status = slate(target("status"));
        assertThat(status.exit()).as("an unfinished upgrade is not healthy").isEqualTo(1);
        assertThat(status.out())
                .contains("latest revision 2: upgrade " + V2 + ", failed at step backup: Job slate-db-backup-r2 failed")
                .contains("deployed revision 1: " + V1);

        kubelet.failing(o -> false);
        Run resumed = slate(withBundle("upgrade", bundle2, valuesV2));

        assertThat(resumed.exit()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("it failed at backup", "failed before: running it again");
        assertThat(applianceImage()).isEqualTo(expectedImage(bundle2, V2));
        assertThat(store().deployed().orElseThrow().revision()).isEqualTo(2);
    }

    @Test
    void preflightReportsAMissingPermissionAndInstallRefusesBeforeAnyChange() {
        denied = (resource, verb) -> resource.equals("networkpolicies") && verb.equals("delete");
        List<String> preflight = target("preflight");
        preflight.addAll(List.of(
                "--from-bundle",
                bundle1.tar().toString(),
                "--public-key",
                bundles.publicKey().toString(),
                "--registry",
                registry.host(),
                "--insecure-registry"));

        Run run = slate(preflight);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out())
                .contains("PASS kubernetes-version", "v1.31.2")
                .contains("PASS storage-class", "default standard")
                .contains("PASS resources")
                .contains("PASS registry ")
                .contains("PASS registry-push")
                .contains("FAIL permissions", "delete networking.k8s.io/networkpolicies (RBAC: not granted)")
                .contains("Preflight FAILED");

        Run install = slate(withBundle("install", bundle1, valuesV1));
        assertThat(install.exit()).isEqualTo(1);
        assertThat(install.err()).contains("step preflight failed");
        assertThat(client.namespaces().list().getItems()).isEmpty();
        assertThat(client.secrets().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void preflightFailsAnOldClusterWithoutADefaultStorageClassOrRoom() {
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("25")
                .withGitVersion("v1.25.9")
                .build());
        client.storage().v1().storageClasses().withName("standard").delete();
        client.nodes().withName("node-1").edit(n -> {
            n.getStatus().setAllocatable(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")));
            return n;
        });
        List<String> preflight = target("preflight");
        preflight.addAll(List.of(
                "--from-bundle",
                bundle1.tar().toString(),
                "--public-key",
                bundles.publicKey().toString()));

        Run run = slate(preflight);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out())
                .contains("FAIL kubernetes-version", "the chart needs 1.27 or newer")
                .contains("FAIL storage-class", "need a default StorageClass, and the cluster has none")
                .contains("FAIL resources", "0.5 CPU");
    }

    private List<String> claimNames() {
        return client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                .map(PersistentVolumeClaim::getMetadata)
                .map(m -> m.getName())
                .toList();
    }

    private static List<String> appended(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
