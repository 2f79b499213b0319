package dev.slate.installer.cluster;

import dev.slate.installer.CliException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slate cluster …}: the cluster path of the installer (docs/install.md, "Kubernetes (Helm chart)"). */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description =
                "Kubernetes: install, upgrade, roll back, uninstall and check Slate in a cluster; apply a rendering.",
        subcommands = {
            ClusterCommand.Apply.class,
            ClusterLifecycleCommands.Install.class,
            ClusterLifecycleCommands.Upgrade.class,
            ClusterLifecycleCommands.Rollback.class,
            ClusterLifecycleCommands.Uninstall.class,
            ClusterLifecycleCommands.Status.class,
            ClusterLifecycleCommands.Preflight.class
        })
public final class ClusterCommand {

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Apply rendered manifests (the output of `helm template` of helm/slate) to a cluster: every object is",
                "checked against the Kubernetes model first (an unknown field or kind refuses the whole file), then",
                "applied in install order and read back. Running it again changes nothing, and continues an",
                "interrupted run. Generated credentials are created once and never replaced."
            })
    static final class Apply implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE",
                description = "The rendered manifests (multi-document YAML).")
        Path file;

        @Option(
                names = {"-n", "--namespace"},
                required = true,
                paramLabel = "NAMESPACE",
                description = "Namespace of the objects that do not name one.")
        String namespace;

        @Option(
                names = "--kubeconfig",
                paramLabel = "FILE",
                description = "kubeconfig of the cluster (required unless --dry-run).")
        Path kubeconfig;

        @Option(
                names = "--context",
                paramLabel = "NAME",
                description = "kubeconfig context (default: its current context).")
        String context;

        @Option(
                names = "--dry-run",
                description = "Check the manifests and print what would be applied, in order; contact no cluster.")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<HasMetadata> objects;
            try {
                objects = new Manifests().parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage());
            } catch (ManifestException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
            if (dryRun) {
                out.printf(
                        Locale.ROOT,
                        "%d objects are valid; would apply, in this order, to namespace %s:%n",
                        objects.size(),
                        namespace);
                ClusterApplier.inInstallOrder(objects)
                        .forEach(o -> out.printf(
                                "  %s %s%n", o.getKind(), o.getMetadata().getName()));
                return 0;
            }
            if (kubeconfig == null) {
                // never fall back to in-cluster discovery: without a cluster it retries for seconds (docs/install.md)
                throw new CliException("no cluster given: pass --kubeconfig FILE (or --dry-run)");
            }
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config()).build()) {
                List<AppliedObject> applied = new ClusterApplier(client).apply(objects, namespace);
                applied.forEach(a -> out.printf("%-10s %s%n", a.outcome().name().toLowerCase(Locale.ROOT), a.ref()));
                out.printf(Locale.ROOT, "%d objects applied to namespace %s%n", applied.size(), namespace);
                return 0;
            } catch (ClusterApplyException e) {
                throw new CliException(e.getMessage() + " (run the same command again to continue)");
            }
        }

        private Config config() {
            try {
                return Config.fromKubeconfig(
                        context, Files.readString(kubeconfig, StandardCharsets.UTF_8), kubeconfig.toString());
            } catch (IOException e) {
                throw new CliException("cannot read " + kubeconfig + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new CliException("invalid kubeconfig " + kubeconfig + ": " + e.getMessage());
            }
        }
    }
}
