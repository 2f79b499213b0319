package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import dev.slate.installer.cluster.Release.Operation;
import dev.slate.installer.cluster.Release.Status;
import dev.slate.installer.registry.OciLayout;
import dev.slate.installer.registry.PushedImage;
import dev.slate.installer.registry.RegistryAddress;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Slate's cluster mode (docs/install.md, "Cluster mode"): install, upgrade, rollback, uninstall and status of one
 * release in one namespace, from a verified bundle, with the chart applied by {@link ClusterApplier} and every
 * revision recorded by {@link ReleaseStore}.
 *
 * <p>Each operation is a fixed list of steps. A revision's record holds the steps done; a step that fails is
 * recorded with its reason and the command exits naming it; running the same command again continues at that step
 * (the images pushed and the manifest rendered before are taken from the record, not made anew). Checks that change
 * nothing (bundle verification, preflight) run every time.
 */
public final class ClusterInstaller {
    public static final List<String> INSTALL_STEPS = List.of("push-images", "render", "apply", "record");
    public static final List<String> UPGRADE_STEPS =
            List.of("push-images", "render", "backup", "apply", "wait-ready", "record");
    public static final List<String> ROLLBACK_STEPS = List.of("scale-down", "restore", "apply", "wait-ready", "record");

    /** Pushes a layout's images (production: {@code ImagePusher::pushAll} against the customer's registry). */
    @FunctionalInterface
    public interface ImagePublisher {
        List<PushedImage> push(OciLayout layout, String version);
    }

    /**
     * @param kubeVersion the Kubernetes version the chart is rendered for; empty: the API server's
     * @param backupImage image with pg_dump/pg_restore when the database is external
     * @param backupSize size of the backups PVC
     * @param timeout how long to wait for a Job or a rollout
     * @param pollInterval how often to look while waiting
     */
    public record Settings(
            String release,
            String namespace,
            Optional<Path> valuesFile,
            Optional<String> kubeVersion,
            Optional<String> backupImage,
            String backupSize,
            Optional<String> backupStorageClass,
            Duration timeout,
            Duration pollInterval) {
        public Settings {
            requireNonNull(release, "release is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(valuesFile, "valuesFile is null");
            requireNonNull(kubeVersion, "kubeVersion is null");
            requireNonNull(backupImage, "backupImage is null");
            requireNonNull(backupSize, "backupSize is null");
            requireNonNull(backupStorageClass, "backupStorageClass is null");
            requireNonNull(timeout, "timeout is null");
            requireNonNull(pollInterval, "pollInterval is null");
        }

        public static Settings defaults(String release, String namespace) {
            return new Settings(
                    release,
                    namespace,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    "10Gi",
                    Optional.empty(),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(2));
        }

        public Settings withValuesFile(Optional<Path> file) {
            return new Settings(
                    release,
                    namespace,
                    file,
                    kubeVersion,
                    backupImage,
                    backupSize,
                    backupStorageClass,
                    timeout,
                    pollInterval);
        }
    }

    /** A verified, unpacked bundle: its version, chart ({@code helm/slate}) and image layout ({@code images/}). */
    public record Bundle(Path root, String version) {
        public Bundle {
            requireNonNull(root, "root is null");
            requireNonNull(version, "version is null");
        }

        Path chart() {
            return root.resolve("helm").resolve("slate");
        }

        OciLayout images() {
            return new OciLayout(root.resolve("images"));
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Consumer<String> out;
    private final Clock clock;
    private final ReleaseStore store;
    private final Manifests manifests = new Manifests();

    public ClusterInstaller(KubernetesClient client, Settings settings, Consumer<String> out, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.store = new ReleaseStore(client, settings.namespace(), settings.release());
    }

    public ReleaseStore store() {
        return store;
    }

    // ---------------------------------------------------------------------------------------------- install

    /**
     * Installs (or continues an unfinished install of) the bundle: push the images, render the chart with their
     * digests, apply it, record revision 1 as deployed.
     */
    public Release install(Bundle bundle, RegistryAddress registry, ImagePublisher publisher) {
        Optional<Release> latest = store.latest();
        Release release;
        if (latest.isPresent() && !(latest.get().inProgress() && latest.get().operation() == Operation.INSTALL)) {
            Release current = latest.get();
            throw new ClusterInstallException(
                    "check-release",
                    "release " + settings.release() + " is already installed in namespace " + settings.namespace()
                            + " (revision " + current.revision() + ", version " + current.version() + ", "
                            + current.status().name().toLowerCase(Locale.ROOT)
                            + "): use upgrade, or uninstall first",
                    null);
        }
        String valuesDigest = inputs(bundle, registry, Map.of()).valuesDigest();
        if (latest.isPresent()) {
            release = resumed(latest.get(), bundle, valuesDigest);
        } else {
            ensureNamespace();
            release = store.save(new Release(
                    settings.release(),
                    settings.namespace(),
                    1,
                    Operation.INSTALL,
                    bundle.version(),
                    valuesDigest,
                    Map.of(),
                    "",
                    Status.PENDING,
                    List.of(),
                    "",
                    "",
                    "",
                    0,
                    now()));
        }
        release = pushAndRender(release, bundle, registry, publisher);
        release = step(release, "apply", r -> {
            applyObjects(parse(r.manifest()));
            return r;
        });
        return record(release, Optional.empty());
    }

    // ---------------------------------------------------------------------------------------------- upgrade

    /**
     * Upgrades the deployed revision to the bundle: push, render, back up the metadata database with a Job, apply
     * the new rendering and prune what it no longer holds, wait for the appliance (it migrates the schema at start),
     * record. When the new appliance does not become ready (a failed migration), the database is restored from the
     * backup and the previous rendering applied again: the old version runs, and the new revision is recorded as
     * rolled back.
     */
    public Release upgrade(Bundle bundle, RegistryAddress registry, ImagePublisher publisher) {
        Release deployed = store.deployed()
                .orElseThrow(() -> new ClusterInstallException(
                        "check-release",
                        "release " + settings.release() + " is not installed in namespace " + settings.namespace()
                                + " (or its install did not finish: run install again)",
                        null));
        Release latest = store.latest().orElseThrow();
        String valuesDigest = inputs(bundle, registry, Map.of()).valuesDigest();
        Release release;
        if (latest.inProgress()) {
            if (latest.operation() != Operation.UPGRADE) {
                throw new ClusterInstallException(
                        "check-release",
                        "revision " + latest.revision() + " ("
                                + latest.operation().name().toLowerCase(Locale.ROOT)
                                + ") did not finish: run that command again first",
                        null);
            }
            release = resumed(latest, bundle, valuesDigest);
        } else {
            release = store.save(new Release(
                    settings.release(),
                    settings.namespace(),
                    latest.revision() + 1,
                    Operation.UPGRADE,
                    bundle.version(),
                    valuesDigest,
                    Map.of(),
                    "",
                    Status.PENDING,
                    List.of(),
                    "",
                    "",
                    "",
                    0,
                    now()));
        }
        out.accept("Upgrading " + settings.release() + " from revision " + deployed.revision() + " ("
                + deployed.version() + ") to revision " + release.revision() + " (" + bundle.version() + ")");
        release = pushAndRender(release, bundle, registry, publisher);
        List<HasMetadata> previous = parse(deployed.manifest());
        release = step(release, "backup", r -> {
            String file = "slate-r" + deployed.revision() + "-before-r" + r.revision() + ".dump";
            runDatabaseJob(
                    parse(deployed.manifest()),
                    DatabaseJobs.backupJobName(settings.release(), r.revision()),
                    file,
                    true);
            return r.withBackup(file);
        });
        release = step(release, "apply", r -> {
            List<HasMetadata> next = parse(r.manifest());
            applyObjects(next);
            prune(previous, next);
            return r;
        });
        try {
            release = step(release, "wait-ready", r -> {
                waitForWorkloads(parse(r.manifest()));
                return r;
            });
        } catch (ClusterInstallException e) {
            undoUpgrade(store.revision(release.revision()).orElse(release), deployed, e);
            throw e;
        }
        return record(release, Optional.of(deployed));
    }

    private void undoUpgrade(Release failed, Release deployed, ClusterInstallException cause) {
        out.accept("The new version did not become ready: restoring the database from " + failed.backup()
                + " and applying revision " + deployed.revision() + " (" + deployed.version() + ") again");
        List<HasMetadata> failedObjects = parse(failed.manifest());
        List<HasMetadata> previous = parse(deployed.manifest());
        try {
            scaleAppliance(failedObjects, 0);
            runDatabaseJob(
                    previous,
                    DatabaseJobs.restoreJobName(settings.release(), failed.revision()),
                    failed.backup(),
                    false);
            applyObjects(previous);
            prune(failedObjects, previous);
            waitForWorkloads(previous);
        } catch (RuntimeException e) {
            store.save(failed.withFailure(
                    "undo-upgrade",
                    "undoing the failed upgrade failed too: " + reason(e) + " (after: " + cause.getMessage() + ")",
                    now()));
            throw new ClusterInstallException(
                    "undo-upgrade",
                    reason(e) + "; the upgrade had failed at step " + cause.step() + ": " + cause.getMessage()
                            + ". The database backup is " + failed.backup() + " on PVC "
                            + DatabaseJobs.claimName(settings.release()),
                    e);
        }
        store.save(failed.withStatus(
                Status.ROLLED_BACK,
                "upgrade failed at " + cause.step() + " (" + cause.getMessage() + "); database restored from "
                        + failed.backup() + ", revision " + deployed.revision() + " runs again",
                now()));
        out.accept(
                "Revision " + deployed.revision() + " (" + deployed.version() + ") runs again with the data restored.");
    }

    // ---------------------------------------------------------------------------------------------- rollback

    /**
     * Rolls back to an earlier revision (default: the one before the deployed one): stop the appliance, restore the
     * metadata database from the backup the next upgrade took, apply that revision's manifest (pruning the rest),
     * wait, and record a new revision holding it.
     */
    public Release rollback(Optional<Integer> toRevision) {
        Release deployed = store.deployed()
                .orElseThrow(() -> new ClusterInstallException(
                        "check-release", "release " + settings.release() + " has no deployed revision", null));
        Release latest = store.latest().orElseThrow();
        List<Release> history = store.history();
        Release release;
        if (latest.inProgress() && latest.operation() == Operation.ROLLBACK) {
            release = latest;
            out.accept("Continuing the rollback of revision " + latest.revision() + describeResume(latest));
        } else {
            if (latest.inProgress()) {
                throw new ClusterInstallException(
                        "check-release",
                        "revision " + latest.revision() + " ("
                                + latest.operation().name().toLowerCase(Locale.ROOT)
                                + ") did not finish: run that command again first",
                        null);
            }
            int wanted = toRevision.orElseGet(() -> history.stream()
                    .filter(r -> r.revision() < deployed.revision()
                            && (r.status() == Status.SUPERSEDED || r.status() == Status.DEPLOYED))
                    .mapToInt(Release::revision)
                    .max()
                    .orElseThrow(() ->
                            new ClusterInstallException("check-release", "no earlier revision to roll back to", null)));
            Release target = history.stream()
                    .filter(r -> r.revision() == wanted && !r.manifest().isEmpty())
                    .filter(r -> r.status() == Status.SUPERSEDED || r.status() == Status.DEPLOYED)
                    .findFirst()
                    .orElseThrow(() -> new ClusterInstallException(
                            "check-release", "revision " + wanted + " was never deployed", null));
            if (target.revision() == deployed.revision()) {
                throw new ClusterInstallException("check-release", "revision " + wanted + " is the one deployed", null);
            }
            // the data as of the target: the backup taken by the first upgrade after it
            String backup = history.stream()
                    .filter(r -> r.revision() > target.revision() && r.operation() == Operation.UPGRADE)
                    .filter(r -> !r.backup().isEmpty() && r.status() != Status.ROLLED_BACK)
                    .findFirst()
                    .map(Release::backup)
                    .orElse("");
            release = store.save(new Release(
                    settings.release(),
                    settings.namespace(),
                    latest.revision() + 1,
                    Operation.ROLLBACK,
                    target.version(),
                    target.valuesDigest(),
                    target.images(),
                    target.manifest(),
                    Status.PENDING,
                    List.of(),
                    "",
                    "",
                    backup,
                    target.revision(),
                    now()));
            out.accept("Rolling back " + settings.release() + " from revision " + deployed.revision() + " ("
                    + deployed.version() + ") to the manifest of revision " + target.revision() + " ("
                    + target.version() + ") as revision " + release.revision()
                    + (backup.isEmpty() ? "; no database backup to restore" : "; database from " + backup));
        }
        List<HasMetadata> current = parse(deployed.manifest());
        List<HasMetadata> next = parse(release.manifest());
        release = step(release, "scale-down", r -> {
            if (!r.backup().isEmpty()) {
                scaleAppliance(current, 0);
            }
            return r;
        });
        release = step(release, "restore", r -> {
            if (!r.backup().isEmpty()) {
                runDatabaseJob(next, DatabaseJobs.restoreJobName(settings.release(), r.revision()), r.backup(), false);
            }
            return r;
        });
        release = step(release, "apply", r -> {
            applyObjects(next);
            prune(current, next);
            return r;
        });
        release = step(release, "wait-ready", r -> {
            waitForWorkloads(next);
            return r;
        });
        return record(release, Optional.of(deployed));
    }

    // ---------------------------------------------------------------------------------------------- uninstall

    /** What an uninstall did. */
    public record Uninstalled(List<String> deleted, List<String> kept) {}

    /**
     * Deletes the release's objects (every revision's rendering, the backup Jobs and their NetworkPolicies) and its
     * records. PVCs (the chart's, the StatefulSets' volume claims, the backups) and the generated credential Secrets
     * stay unless {@code deleteData}: a later install finds and keeps them.
     */
    public Uninstalled uninstall(boolean deleteData) {
        List<Release> history = store.history();
        if (history.isEmpty()) {
            throw new ClusterInstallException(
                    "check-release",
                    "release " + settings.release() + " is not installed in namespace " + settings.namespace(),
                    null);
        }
        Map<ObjectRefKey, HasMetadata> objects = new LinkedHashMap<>();
        for (Release release : history) {
            if (!release.manifest().isEmpty()) {
                for (HasMetadata object : parse(release.manifest())) {
                    objects.putIfAbsent(ObjectRefKey.of(object), object);
                }
            }
        }
        List<String> deleted = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<HasMetadata> ordered = ClusterApplier.inInstallOrder(new ArrayList<>(objects.values()));
        Collections.reverse(ordered);
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        for (HasMetadata object : ordered) {
            if (object instanceof StatefulSet set && set.getSpec().getVolumeClaimTemplates() != null) {
                claims.addAll(volumeClaimsOf(set));
            }
            if (!deleteData && holdsData(object)) {
                kept.add(describe(object));
                continue;
            }
            if (delete(object)) {
                deleted.add(describe(object));
            }
        }
        for (Job job : client.batch()
                .v1()
                .jobs()
                .inNamespace(settings.namespace())
                .withLabel("app.kubernetes.io/instance", settings.release())
                .withLabel("app.kubernetes.io/component", DatabaseJobs.COMPONENT)
                .list()
                .getItems()) {
            if (delete(job)) {
                deleted.add(describe(job));
            }
        }
        client.network()
                .v1()
                .networkPolicies()
                .inNamespace(settings.namespace())
                .withLabel("app.kubernetes.io/instance", settings.release())
                .withLabel("app.kubernetes.io/component", DatabaseJobs.COMPONENT)
                .list()
                .getItems()
                .forEach(policy -> {
                    if (delete(policy)) {
                        deleted.add(describe(policy));
                    }
                });
        PersistentVolumeClaim backups = client.persistentVolumeClaims()
                .inNamespace(settings.namespace())
                .withName(DatabaseJobs.claimName(settings.release()))
                .get();
        if (backups != null) {
            claims.add(backups);
        }
        for (PersistentVolumeClaim claim : claims) {
            if (deleteData) {
                if (delete(claim)) {
                    deleted.add(describe(claim));
                }
            } else {
                kept.add(describe(claim));
            }
        }
        store.deleteAll();
        deleted.add("release records of " + settings.release() + " (" + history.size() + " revisions)");
        return new Uninstalled(List.copyOf(deleted), List.copyOf(kept));
    }

    // ---------------------------------------------------------------------------------------------- status

    /** One object of the deployed rendering and how ready it is. */
    public record ObjectStatus(ObjectRef ref, Readiness readiness) {}

    /** The release as recorded, and each object of its rendering as the cluster has it. */
    public record StatusReport(Release latest, Optional<Release> deployed, List<ObjectStatus> objects) {}

    public Optional<StatusReport> status() {
        Optional<Release> latest = store.latest();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Optional<Release> deployed = store.deployed();
        Release shown = deployed.orElse(latest.get());
        List<ObjectStatus> objects = new ArrayList<>();
        if (!shown.manifest().isEmpty()) {
            for (HasMetadata object : ClusterApplier.inInstallOrder(parse(shown.manifest()))) {
                HasMetadata placed = placed(object);
                HasMetadata live;
                try {
                    live = client.resource(placed).get();
                } catch (KubernetesClientException e) {
                    live = null;
                }
                objects.add(new ObjectStatus(ObjectRef.of(placed), Readiness.of(live)));
            }
        }
        return Optional.of(new StatusReport(latest.get(), deployed, List.copyOf(objects)));
    }

    // ---------------------------------------------------------------------------------------------- steps

    private Release resumed(Release pending, Bundle bundle, String valuesDigest) {
        if (!pending.version().equals(bundle.version())) {
            throw new ClusterInstallException(
                    "check-release",
                    "revision " + pending.revision() + " of " + settings.release() + " is an unfinished "
                            + pending.operation().name().toLowerCase(Locale.ROOT) + " of version "
                            + pending.version() + ", not " + bundle.version()
                            + ": run it again with that bundle (or uninstall)",
                    null);
        }
        if (!pending.valuesDigest().equals(valuesDigest)) {
            throw new ClusterInstallException(
                    "check-release",
                    "revision " + pending.revision() + " was started with other values or another registry"
                            + " (values digest " + pending.valuesDigest() + "): run it again with the same -f and"
                            + " --registry",
                    null);
        }
        out.accept("Continuing " + pending.operation().name().toLowerCase(Locale.ROOT) + " of revision "
                + pending.revision() + describeResume(pending));
        return pending;
    }

    private static String describeResume(Release pending) {
        return (pending.doneSteps().isEmpty() ? "" : " (done before: " + String.join(", ", pending.doneSteps()) + ")")
                + (pending.failedStep().isEmpty()
                        ? ""
                        : "; it failed at " + pending.failedStep() + ": " + pending.message());
    }

    private Release pushAndRender(Release release, Bundle bundle, RegistryAddress registry, ImagePublisher publisher) {
        release = step(release, "push-images", r -> {
            Map<String, String> images = new LinkedHashMap<>();
            for (PushedImage image : publisher.push(bundle.images(), bundle.version())) {
                images.put(image.name(), image.reference(registry));
            }
            return r.withImages(images);
        });
        return step(release, "render", r -> {
            Map<String, String> digests = new LinkedHashMap<>();
            r.images().forEach((name, reference) -> digests.put(name, reference.substring(reference.indexOf('@') + 1)));
            ChartRenderer.unreferenced(digests)
                    .forEach(name -> out.accept("  image " + name + " pushed; the chart has no value for it"));
            String manifest = new ChartRenderer(bundle.chart()).render(inputs(bundle, registry, digests));
            parse(manifest); // strictly: an object the model does not know fails here, before anything is applied
            return r.withManifest(manifest);
        });
    }

    private ChartRenderer.Inputs inputs(Bundle bundle, RegistryAddress registry, Map<String, String> digests) {
        return new ChartRenderer.Inputs(
                settings.release(),
                settings.namespace(),
                settings.kubeVersion().orElseGet(this::serverVersion),
                settings.valuesFile(),
                registry.chartRegistry(),
                digests);
    }

    private String serverVersion() {
        VersionInfo version = client.getKubernetesVersion();
        String text = version.getGitVersion() != null
                ? version.getGitVersion()
                : version.getMajor() + "." + version.getMinor() + ".0";
        return text.startsWith("v") ? text.substring(1) : text;
    }

    /** Runs one step unless the record says it is done; records it done, or failed with the reason. */
    private Release step(Release release, String step, UnaryOperator<Release> action) {
        if (release.done(step)) {
            out.accept("· " + step + ": done before, skipped");
            return release;
        }
        out.accept("· " + step);
        Release next;
        try {
            next = action.apply(release);
        } catch (RuntimeException e) {
            String reason = reason(e);
            store.save(release.withFailure(step, reason, now()));
            throw new ClusterInstallException(step, reason, e);
        }
        return store.save(next.withStepDone(step, now()));
    }

    private Release record(Release release, Optional<Release> replaced) {
        out.accept("· record");
        replaced.ifPresent(old ->
                store.save(old.withStatus(Status.SUPERSEDED, "replaced by revision " + release.revision(), now())));
        for (Release other : store.history()) {
            if (other.status() == Status.DEPLOYED && other.revision() != release.revision()) {
                store.save(other.withStatus(Status.SUPERSEDED, "replaced by revision " + release.revision(), now()));
            }
        }
        Release done = release.withStepDone("record", now()).withStatus(Status.DEPLOYED, "", now());
        return store.save(done);
    }

    private void applyObjects(List<HasMetadata> objects) {
        List<AppliedObject> applied = new ClusterApplier(client).apply(objects, settings.namespace());
        long changed = applied.stream()
                .filter(a ->
                        a.outcome() == AppliedObject.Outcome.CREATED || a.outcome() == AppliedObject.Outcome.CONFIGURED)
                .count();
        out.accept("  " + applied.size() + " objects applied, " + changed + " created or changed");
    }

    /** Deletes the objects of {@code previous} that {@code next} no longer has (data is never pruned). */
    private void prune(List<HasMetadata> previous, List<HasMetadata> next) {
        Set<ObjectRefKey> wanted = new HashSet<>();
        next.forEach(o -> wanted.add(ObjectRefKey.of(o)));
        List<HasMetadata> gone = new ArrayList<>();
        for (HasMetadata object : previous) {
            if (!wanted.contains(ObjectRefKey.of(object))) {
                gone.add(object);
            }
        }
        List<HasMetadata> ordered = ClusterApplier.inInstallOrder(gone);
        Collections.reverse(ordered);
        for (HasMetadata object : ordered) {
            if (holdsData(object)) {
                out.accept("  kept " + describe(object) + " (data; removed only by uninstall --delete-data)");
            } else if (delete(object)) {
                out.accept("  pruned " + describe(object));
            }
        }
    }

    /** PVCs and the generated credentials the data was written with. */
    static boolean holdsData(HasMetadata object) {
        if (object instanceof PersistentVolumeClaim) {
            return true;
        }
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        if (annotations == null) {
            return false;
        }
        return "keep".equals(annotations.get("helm.sh/resource-policy"))
                || (object instanceof Secret
                        && ClusterApplier.CREATE_ONLY.equals(annotations.get(ClusterApplier.APPLY_POLICY)));
    }

    private List<PersistentVolumeClaim> volumeClaimsOf(StatefulSet set) {
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        for (PersistentVolumeClaim template : set.getSpec().getVolumeClaimTemplates()) {
            String prefix =
                    template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-";
            client.persistentVolumeClaims().inNamespace(settings.namespace()).list().getItems().stream()
                    .filter(c -> c.getMetadata().getName().startsWith(prefix)
                            && c.getMetadata()
                                    .getName()
                                    .substring(prefix.length())
                                    .matches("[0-9]+"))
                    .forEach(claims::add);
        }
        return claims;
    }

    private boolean delete(HasMetadata object) {
        HasMetadata placed = placed(object);
        try {
            return !client.resource(placed).delete().isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private HasMetadata placed(HasMetadata object) {
        HasMetadata copy = client.getKubernetesSerialization().clone(object);
        if (copy instanceof Namespaced
                && (copy.getMetadata().getNamespace() == null
                        || copy.getMetadata().getNamespace().isEmpty())) {
            copy.getMetadata().setNamespace(settings.namespace());
        }
        return copy;
    }

    private static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    private void ensureNamespace() {
        if (client.namespaces().withName(settings.namespace()).get() == null) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(settings.namespace())
                            .endMetadata()
                            .build())
                    .create();
            out.accept("  created namespace " + settings.namespace());
        }
    }

    private void scaleAppliance(List<HasMetadata> objects, int replicas) {
        DatabaseJobs.component(objects, Deployment.class, "appliance").ifPresent(d -> {
            if (client.apps()
                            .deployments()
                            .inNamespace(settings.namespace())
                            .withName(d.getMetadata().getName())
                            .get()
                    != null) {
                client.apps()
                        .deployments()
                        .inNamespace(settings.namespace())
                        .withName(d.getMetadata().getName())
                        .scale(replicas);
                out.accept("  scaled Deployment " + d.getMetadata().getName() + " to " + replicas);
            }
        });
    }

    /**
     * Creates the backup PVC and NetworkPolicies if missing, then the Job (a failed Job of the same name from an
     * earlier run is deleted and made again; a succeeded one is not run twice), and waits for it.
     */
    private void runDatabaseJob(List<HasMetadata> objects, String jobName, String file, boolean backup) {
        DatabaseJobs jobs = DatabaseJobs.of(settings.release(), settings.namespace(), objects, settings.backupImage());
        var claims = client.persistentVolumeClaims().inNamespace(settings.namespace());
        if (claims.withName(DatabaseJobs.claimName(settings.release())).get() == null) {
            claims.resource(jobs.claim(settings.backupSize(), settings.backupStorageClass()))
                    .create();
        }
        new ClusterApplier(client).apply(new ArrayList<>(jobs.networkPolicies()), settings.namespace());
        var resource =
                client.batch().v1().jobs().inNamespace(settings.namespace()).withName(jobName);
        Job existing = resource.get();
        if (existing != null && Readiness.of(existing).state() == Readiness.State.FAILED) {
            out.accept("  Job " + jobName + " failed before: running it again");
            resource.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            existing = null;
        }
        if (existing == null) {
            Job job = backup ? jobs.backup(jobName, file) : jobs.restore(jobName, file);
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(settings.namespace())
                    .resource(job)
                    .create();
            out.accept("  Job " + jobName + " (" + (backup ? "pg_dump -Fc to " : "pg_restore from ") + file + " on PVC "
                    + DatabaseJobs.claimName(settings.release()) + ", image " + jobs.image() + ")");
        }
        Readiness result = waitFor(() -> resource.get(), "Job " + jobName);
        if (result.state() != Readiness.State.READY) {
            throw new IllegalStateException("Job " + jobName + " " + result.detail());
        }
    }

    /** Waits until every Deployment and StatefulSet of the rendering is ready, or one fails, or the timeout. */
    private void waitForWorkloads(List<HasMetadata> objects) {
        for (HasMetadata object : ClusterApplier.inInstallOrder(objects)) {
            if (object instanceof Deployment || object instanceof StatefulSet) {
                HasMetadata placed = placed(object);
                Readiness result = waitFor(() -> client.resource(placed).get(), describe(object));
                if (result.state() != Readiness.State.READY) {
                    throw new IllegalStateException(describe(object) + " not ready: " + result.detail());
                }
                out.accept("  " + describe(object) + " ready (" + result.detail() + ")");
            }
        }
    }

    private Readiness waitFor(Supplier<HasMetadata> live, String what) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            Readiness readiness = Readiness.of(live.get());
            if (readiness.state() == Readiness.State.READY || readiness.state() == Readiness.State.FAILED) {
                return readiness;
            }
            if (System.nanoTime() > deadline) {
                return new Readiness(
                        Readiness.State.FAILED,
                        "not ready after " + settings.timeout().toSeconds() + " s (" + readiness.detail() + ")");
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    private List<HasMetadata> parse(String manifest) {
        return manifests.parse(manifest);
    }

    private String now() {
        return clock.instant().toString();
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Identity of an object across renderings: kind, namespace (empty: the release's) and name. */
    record ObjectRefKey(String kind, String namespace, String name) {
        static ObjectRefKey of(HasMetadata object) {
            String namespace = object.getMetadata().getNamespace();
            return new ObjectRefKey(
                    object.getKind(),
                    namespace == null ? "" : namespace,
                    object.getMetadata().getName());
        }
    }
}
