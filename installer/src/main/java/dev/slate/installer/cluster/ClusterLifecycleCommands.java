package dev.slate.installer.cluster;

import dev.slate.installer.CliException;
import dev.slate.installer.SlateCli;
import dev.slate.installer.bundle.BundleRejectedException;
import dev.slate.installer.bundle.BundleVerifier;
import dev.slate.installer.bundle.PinnedPublicKey;
import dev.slate.installer.bundle.VerifiedBundle;
import dev.slate.installer.registry.ImagePusher;
import dev.slate.installer.registry.OciLayout;
import dev.slate.installer.registry.RegistryAddress;
import dev.slate.installer.registry.RegistryClient;
import dev.slate.installer.registry.RegistryCredentials;
import dev.slate.installer.registry.RegistryException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The cluster-mode commands: {@code slate cluster install|upgrade|rollback|uninstall|status|preflight}, also
 * reachable as {@code slate install --cluster …} and so on (docs/install.md, "Cluster mode").
 */
public final class ClusterLifecycleCommands {
    private ClusterLifecycleCommands() {}

    /** The verbs that {@code slate VERB --cluster …} turns into {@code slate cluster VERB …}. */
    static final List<String> VERBS = List.of("install", "upgrade", "rollback", "uninstall", "status", "preflight");

    /**
     * {@code slate VERB --cluster ARGS} is {@code slate cluster VERB ARGS}: the host commands of the same names
     * stay as they are.
     */
    public static String[] aliased(String[] args) {
        if (args.length < 2 || !VERBS.contains(args[0]) || !List.of(args).contains("--cluster")) {
            return args;
        }
        List<String> rewritten = new ArrayList<>();
        rewritten.add("cluster");
        for (String arg : args) {
            if (!arg.equals("--cluster")) {
                rewritten.add(arg);
            }
        }
        return rewritten.toArray(String[]::new);
    }

    /** Which cluster, namespace and release. */
    static final class Target {
        @Option(
                names = "--kubeconfig",
                required = true,
                paramLabel = "FILE",
                description = "kubeconfig of the cluster.")
        Path kubeconfig;

        @Option(
                names = "--context",
                paramLabel = "NAME",
                description = "kubeconfig context (default: its current one).")
        String context;

        @Option(
                names = {"-n", "--namespace"},
                required = true,
                paramLabel = "NAMESPACE",
                description = "Namespace of the installation.")
        String namespace;

        @Option(
                names = "--release",
                defaultValue = "slate",
                paramLabel = "NAME",
                description = "Release name (default: ${DEFAULT-VALUE}).")
        String release;

        @Option(
                names = "--timeout",
                defaultValue = "10m",
                paramLabel = "DURATION",
                description = "How long to wait for a Job or a rollout: 90s, 10m (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--poll-interval", defaultValue = "2s", hidden = true)
        String pollInterval;

        KubernetesClient client() {
            Config config;
            try {
                config = Config.fromKubeconfig(
                        context, Files.readString(kubeconfig, StandardCharsets.UTF_8), kubeconfig.toString());
            } catch (IOException e) {
                throw new CliException("cannot read " + kubeconfig + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new CliException("invalid kubeconfig " + kubeconfig + ": " + e.getMessage());
            }
            return new KubernetesClientBuilder().withConfig(config).build();
        }

        ClusterInstaller.Settings settings(Optional<Path> values, Optional<String> backupImage) {
            ClusterInstaller.Settings defaults = ClusterInstaller.Settings.defaults(release, namespace);
            return new ClusterInstaller.Settings(
                    release,
                    namespace,
                    values,
                    Optional.empty(),
                    backupImage,
                    defaults.backupSize(),
                    Optional.empty(),
                    duration(timeout, "--timeout"),
                    duration(pollInterval, "--poll-interval"));
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    static Duration duration(String text, String option) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new CliException(option + ": not a duration (90s, 10m, 1h): " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** Where the images go. */
    static final class Registry {
        @Option(
                names = "--registry",
                required = true,
                paramLabel = "HOST[:PORT][/PREFIX]",
                description = "The registry the cluster pulls from; the bundle's images are pushed there.")
        String registry;

        @Option(names = "--registry-username", paramLabel = "USER", description = "Registry user.")
        String username;

        @Option(
                names = "--registry-password-file",
                paramLabel = "FILE",
                description = "File whose first line is the registry password (never given on the command line).")
        Path passwordFile;

        @Option(names = "--registry-ca", paramLabel = "FILE", description = "PEM CA certificate(s) of a private CA.")
        Path ca;

        @Option(
                names = "--insecure-registry",
                description = "Plain HTTP, no TLS: only for a test registry on a trusted network.")
        boolean insecure;

        RegistryAddress address() {
            try {
                return RegistryAddress.parse(registry, insecure);
            } catch (IllegalArgumentException e) {
                throw new CliException("--registry: " + e.getMessage());
            }
        }

        RegistryClient client() {
            Optional<RegistryCredentials> credentials = Optional.empty();
            if ((username == null) != (passwordFile == null)) {
                throw new CliException("give both --registry-username and --registry-password-file, or neither");
            }
            if (username != null) {
                try {
                    credentials = Optional.of(RegistryCredentials.fromFile(username, passwordFile));
                } catch (IOException e) {
                    throw new CliException(
                            "cannot read --registry-password-file " + passwordFile + ": " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
            }
            try {
                return new RegistryClient(address(), credentials, Optional.ofNullable(ca));
            } catch (IllegalArgumentException e) {
                throw new CliException("--registry-ca: " + e.getMessage());
            }
        }
    }

    /** The bundle and the values. */
    static final class Source {
        @Option(
                names = "--from-bundle",
                required = true,
                paramLabel = "FILE",
                description = "The offline bundle (slate-bundle-VERSION.tar); verified before anything changes.")
        Path bundle;

        @Option(
                names = "--public-key",
                paramLabel = "FILE|PEM",
                description = "Key the bundle's signature must verify with (default: $" + PinnedPublicKey.ENVIRONMENT
                        + ", else the key built into this CLI).")
        String publicKey;

        @Option(names = "--expect-version", paramLabel = "VERSION", description = "Refuse a bundle of another version.")
        String expectVersion;

        @Option(
                names = {"-f", "--values"},
                paramLabel = "FILE",
                description = "Values for the chart (helm/slate/values.yaml; profiles in helm/slate/ci/).")
        Path values;
    }

    /** The verified bundle, unpacked into a temp directory that {@link #close} removes. */
    static final class Unpacked implements AutoCloseable {
        final ClusterInstaller.Bundle bundle;
        final Path dir;

        Unpacked(ClusterInstaller.Bundle bundle, Path dir) {
            this.bundle = bundle;
            this.dir = dir;
        }

        static Unpacked verify(Source source, Optional<String> environmentKey, PrintWriter out) {
            PinnedPublicKey.Chosen key;
            try {
                key = PinnedPublicKey.choose(Optional.ofNullable(source.publicKey), environmentKey);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            Path dir;
            try {
                dir = Files.createTempDirectory("slate-cluster-");
            } catch (IOException e) {
                throw new CliException("cannot make a temp directory: " + e.getMessage());
            }
            Path target = dir.resolve("bundle");
            try {
                VerifiedBundle verified = new BundleVerifier(key.key())
                        .verifyAndExtract(source.bundle, Optional.ofNullable(source.expectVersion), target);
                out.println("· verify-bundle: " + source.bundle.getFileName() + " version "
                        + verified.manifest().version() + " ("
                        + verified.manifest().files().size()
                        + " files, signer " + verified.signerFingerprint() + ", key from " + key.source() + ")");
                return new Unpacked(
                        new ClusterInstaller.Bundle(target, verified.manifest().version()), dir);
            } catch (BundleRejectedException e) {
                deleteTree(dir);
                throw new CliException("step verify-bundle failed: bundle " + source.bundle.getFileName() + " refused: "
                        + e.getMessage() + "; nothing was changed");
            } catch (IOException e) {
                deleteTree(dir);
                throw new CliException(
                        "step verify-bundle failed: cannot read " + source.bundle + ": " + e.getMessage());
            }
        }

        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> environmentKey(CommandSpec spec) {
        return ((SlateCli) spec.root().userObject()).env(PinnedPublicKey.ENVIRONMENT);
    }

    /**
     * Renders the bundle's chart with the layout's own digests (the digests the push keeps) and runs the preflight
     * checks; prints them and refuses on a failure, before anything changes.
     */
    static List<ClusterPreflight.Check> preflight(
            KubernetesClient client,
            ClusterInstaller.Bundle bundle,
            Target target,
            Optional<Path> values,
            Optional<RegistryClient> registry,
            PrintWriter out) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (OciLayout.Image image : new OciLayout(bundle.root().resolve("images")).images()) {
            String name = image.refName().endsWith("-" + bundle.version())
                    ? image.refName()
                            .substring(
                                    0,
                                    image.refName().length() - bundle.version().length() - 1)
                    : image.refName();
            digests.put(name, image.manifest().digest());
        }
        String registryValue = registry.map(r -> r.address().chartRegistry()).orElse("registry.invalid");
        // rendered for the server's version when the chart accepts it; otherwise for the chart's minimum, so the
        // other checks still run (the version check reports the old server)
        String kubeVersion = "1." + ClusterPreflight.MIN_MINOR + ".0";
        if (new ClusterPreflight(client, target.namespace).kubernetesVersion().result()
                == ClusterPreflight.Result.PASS) {
            kubeVersion = client.getKubernetesVersion().getGitVersion().replaceFirst("^v", "");
        }
        List<HasMetadata> rendered;
        try {
            rendered = new Manifests()
                    .parse(new ChartRenderer(bundle.root().resolve("helm/slate"))
                            .render(new ChartRenderer.Inputs(
                                    target.release, target.namespace, kubeVersion, values, registryValue, digests)));
        } catch (IllegalArgumentException | ManifestException e) {
            throw new CliException("step preflight failed: " + e.getMessage());
        }
        String repository =
                registry.map(r -> r.address().repository("slate/appliance")).orElse("slate/appliance");
        List<ClusterPreflight.Check> checks =
                new ClusterPreflight(client, target.namespace).run(rendered, registry, repository);
        for (ClusterPreflight.Check check : checks) {
            out.printf(Locale.ROOT, "  %-4s %-18s %s%n", check.result(), check.name(), check.detail());
        }
        return checks;
    }

    private static RuntimeException failed(RuntimeException e) {
        if (e instanceof ClusterInstallException install) {
            return new CliException(install.getMessage() + " (run the same command again to continue)");
        }
        if (e instanceof RegistryException || e instanceof KubernetesClientException) {
            return new CliException(e.getMessage() + " (run the same command again to continue)");
        }
        return e;
    }

    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description = {
                "Install Slate into a Kubernetes namespace from the offline bundle: verify it, preflight, push its",
                "images to --registry, render helm/slate with the pushed digests, apply it, record revision 1.",
                "Re-running the same command after a failure continues at the step that failed."
            })
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Mixin
        Registry registry = new Registry();

        @Mixin
        Source source = new Source();

        @Option(names = "--skip-preflight", description = "Do not run the preflight checks (not recommended).")
        boolean skipPreflight;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RegistryClient registryClient = registry.client();
            try (Unpacked unpacked = Unpacked.verify(source, environmentKey(spec), out);
                    KubernetesClient client = target.client()) {
                if (!skipPreflight) {
                    requirePreflight(client, unpacked, target, source, registryClient, out);
                }
                ClusterInstaller installer =
                        installer(client, target, Optional.ofNullable(source.values), Optional.empty(), out);
                Release release = installer.install(
                        unpacked.bundle,
                        registry.address(),
                        new ImagePusher(registryClient, line -> out.println("  " + line))::pushAll);
                out.printf(
                        Locale.ROOT,
                        "Installed %s %s as release %s revision %d in namespace %s%n",
                        "Slate",
                        release.version(),
                        release.name(),
                        release.revision(),
                        release.namespace());
                return 0;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    /** Runs the preflight checks against the bundle's rendering and stops, changing nothing, when one fails. */
    private static void requirePreflight(
            KubernetesClient client,
            Unpacked unpacked,
            Target target,
            Source source,
            RegistryClient registryClient,
            PrintWriter out) {
        out.println("· preflight");
        List<ClusterPreflight.Check> checks = preflight(
                client, unpacked.bundle, target, Optional.ofNullable(source.values), Optional.of(registryClient), out);
        if (!ClusterPreflight.passed(checks)) {
            throw new CliException("step preflight failed: fix the FAIL lines above; nothing was changed");
        }
    }

    /** An installer for the target that prints each step as it happens. */
    private static ClusterInstaller installer(
            KubernetesClient client,
            Target target,
            Optional<Path> values,
            Optional<String> backupImage,
            PrintWriter out) {
        return new ClusterInstaller(
                client,
                target.settings(values, backupImage),
                line -> {
                    out.println(line);
                    out.flush();
                },
                Clock.systemUTC());
    }

    @Command(
            name = "upgrade",
            mixinStandardHelpOptions = true,
            description = {
                "Upgrade the release to a new bundle: verify, preflight, push, render, back up the metadata database",
                "(pg_dump Job), apply and prune, wait for the appliance (it migrates the schema at start), record.",
                "When the new version does not become ready, the database is restored and the old version applied."
            })
    static final class Upgrade implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Mixin
        Registry registry = new Registry();

        @Mixin
        Source source = new Source();

        @Option(
                names = "--backup-image",
                paramLabel = "IMAGE",
                description =
                        "Image with pg_dump/pg_restore for an external database (default: the chart's PostgreSQL).")
        String backupImage;

        @Option(names = "--skip-preflight", description = "Do not run the preflight checks (not recommended).")
        boolean skipPreflight;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RegistryClient registryClient = registry.client();
            try (Unpacked unpacked = Unpacked.verify(source, environmentKey(spec), out);
                    KubernetesClient client = target.client()) {
                if (!skipPreflight) {
                    requirePreflight(client, unpacked, target, source, registryClient, out);
                }
                ClusterInstaller installer = installer(
                        client, target, Optional.ofNullable(source.values), Optional.ofNullable(backupImage), out);
                Release release = installer.upgrade(
                        unpacked.bundle,
                        registry.address(),
                        new ImagePusher(registryClient, line -> out.println("  " + line))::pushAll);
                out.printf(
                        Locale.ROOT,
                        "Upgraded release %s to %s (revision %d); database backup %s%n",
                        release.name(),
                        release.version(),
                        release.revision(),
                        release.backup());
                return 0;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = {
                "Roll the release back to an earlier revision (default: the previous one): stop the appliance,",
                "restore the metadata database from the backup the next upgrade took (pg_restore Job), apply that",
                "revision's manifest and prune the rest, wait, and record a new revision."
            })
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Option(names = "--to-revision", paramLabel = "N", description = "Revision to return to.")
        Integer toRevision;

        @Option(
                names = "--backup-image",
                paramLabel = "IMAGE",
                description = "Image with pg_restore (external database).")
        String backupImage;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (KubernetesClient client = target.client()) {
                ClusterInstaller installer =
                        installer(client, target, Optional.empty(), Optional.ofNullable(backupImage), out);
                Release release = installer.rollback(Optional.ofNullable(toRevision));
                out.printf(
                        Locale.ROOT,
                        "Rolled back release %s to the manifest of revision %d (%s) as revision %d%n",
                        release.name(),
                        release.rolledBackTo(),
                        release.version(),
                        release.revision());
                return 0;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Command(
            name = "uninstall",
            mixinStandardHelpOptions = true,
            description = {
                "Delete the release's objects and records. Volumes (PVCs) and the generated credential Secrets stay",
                "unless --delete-data, so a later install finds the data again."
            })
    static final class Uninstall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Option(names = "--delete-data", description = "Also delete the volumes, the backups and the data credentials.")
        boolean deleteData;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (KubernetesClient client = target.client()) {
                ClusterInstaller.Uninstalled result = installer(client, target, Optional.empty(), Optional.empty(), out)
                        .uninstall(deleteData);
                result.deleted().forEach(d -> out.println("deleted " + d));
                result.kept().forEach(k -> out.println("kept    " + k));
                out.printf(
                        Locale.ROOT,
                        "Uninstalled release %s from namespace %s: %d deleted, %d kept%s%n",
                        target.release,
                        target.namespace,
                        result.deleted().size(),
                        result.kept().size(),
                        result.kept().isEmpty() ? "" : " (data; uninstall --delete-data removes it)");
                return 0;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "The release's revision and status, and how ready each of its objects is.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (KubernetesClient client = target.client()) {
                Optional<ClusterInstaller.StatusReport> report = installer(
                                client, target, Optional.empty(), Optional.empty(), out)
                        .status();
                if (report.isEmpty()) {
                    out.println("Release " + target.release + " is not installed in namespace " + target.namespace);
                    return 1;
                }
                Release latest = report.get().latest();
                out.printf(
                        Locale.ROOT,
                        "release %s  namespace %s%nlatest revision %d: %s %s, %s%s%n",
                        latest.name(),
                        latest.namespace(),
                        latest.revision(),
                        latest.operation().name().toLowerCase(Locale.ROOT),
                        latest.version(),
                        latest.status().name().toLowerCase(Locale.ROOT),
                        latest.failedStep().isEmpty()
                                ? (latest.message().isEmpty() ? "" : " (" + latest.message() + ")")
                                : " at step " + latest.failedStep() + ": " + latest.message());
                report.get()
                        .deployed()
                        .ifPresent(d -> out.printf(
                                Locale.ROOT,
                                "deployed revision %d: %s, values %s%n",
                                d.revision(),
                                d.version(),
                                d.valuesDigest()));
                boolean allReady = true;
                for (ClusterInstaller.ObjectStatus object : report.get().objects()) {
                    out.printf(
                            Locale.ROOT,
                            "  %-11s %s (%s)%n",
                            object.readiness().state().name().toLowerCase(Locale.ROOT),
                            object.ref(),
                            object.readiness().detail());
                    allReady &= object.readiness().state() == Readiness.State.READY;
                }
                boolean healthy = report.get().deployed().isPresent() && !latest.inProgress() && allReady;
                out.println(healthy ? "All objects ready." : "Not everything is ready (see above).");
                return healthy ? 0 : 1;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Command(
            name = "preflight",
            mixinStandardHelpOptions = true,
            description = {
                "Check a cluster before an install: Kubernetes version (1.27+), storage classes, CPU and memory",
                "against the values' requests, the registry (/v2/, TLS, credentials, push), and every permission",
                "the install needs (SelfSubjectAccessReview). Exit code 1 when a check fails."
            })
    static final class Preflight implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target = new Target();

        @Mixin
        Source source = new Source();

        @Option(names = "--registry", paramLabel = "HOST[:PORT][/PREFIX]", description = "Also check this registry.")
        String registry;

        @Option(names = "--registry-username", paramLabel = "USER", description = "Registry user.")
        String username;

        @Option(names = "--registry-password-file", paramLabel = "FILE", description = "File holding the password.")
        Path passwordFile;

        @Option(names = "--registry-ca", paramLabel = "FILE", description = "PEM CA certificate(s).")
        Path ca;

        @Option(names = "--insecure-registry", description = "Plain HTTP (test registries only).")
        boolean insecure;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<RegistryClient> registryClient = Optional.empty();
            if (registry != null) {
                Registry options = new Registry();
                options.registry = registry;
                options.username = username;
                options.passwordFile = passwordFile;
                options.ca = ca;
                options.insecure = insecure;
                registryClient = Optional.of(options.client());
            }
            try (Unpacked unpacked = Unpacked.verify(source, environmentKey(spec), out);
                    KubernetesClient client = target.client()) {
                List<ClusterPreflight.Check> checks = preflight(
                        client, unpacked.bundle, target, Optional.ofNullable(source.values), registryClient, out);
                boolean passed = ClusterPreflight.passed(checks);
                out.println(passed ? "Preflight passed." : "Preflight FAILED: fix the FAIL lines before installing.");
                return passed ? 0 : 1;
            }
        }
    }
}
