package dev.slate.installer;

import dev.slate.installer.bundle.PinnedPublicKey;
import dev.slate.installer.install.BundleIntake;
import dev.slate.installer.install.InstallException;
import dev.slate.installer.install.InstallLayout;
import dev.slate.installer.install.InstallSource;
import dev.slate.installer.install.InstalledServices;
import dev.slate.installer.install.StandaloneInstaller;
import dev.slate.installer.install.StandaloneUninstaller;
import dev.slate.installer.install.StandaloneUpgrader;
import dev.slate.installer.install.SystemHostProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate upgrade|rollback|uninstall --standalone} (docs/install.md, "Upgrade and rollback"). */
final class UpgradeCommands {
    private UpgradeCommands() {}

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        SlateCli root;

        @Spec
        CommandSpec spec;

        @Option(names = "--standalone", required = true, description = "A standalone install (on this host).")
        boolean standalone;

        @Option(names = "--prefix", required = true, paramLabel = "DIR", description = "The install.")
        Path prefix;

        @Option(
                names = "--timeout",
                defaultValue = "600",
                paramLabel = "SECONDS",
                description = "How long to wait for Slate to get ready (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        InstallLayout layout() {
            return new InstallLayout(prefix);
        }

        Consumer<String> lines() {
            PrintWriter out = spec.commandLine().getOut();
            return line -> {
                out.println(line);
                out.flush();
            };
        }

        InstalledServices services(InstallLayout layout) {
            return InstalledServices.of(layout, new SystemHostProbe(), Duration.ofSeconds(timeoutSeconds), lines());
        }

        StandaloneInstaller.StepHook progress() {
            Consumer<String> out = lines();
            return step -> out.accept("· " + step);
        }
    }

    @Command(
            name = "upgrade",
            mixinStandardHelpOptions = true,
            description = {
                "Upgrade a standalone install to a newer version: refuses an older, equal, incomplete or tampered",
                "source before changing anything; backs up the metadata database, the online store and the home;",
                "installs the new version beside the old one, switches to it and starts it (the schema migrates).",
                "A failed step restores the backup and starts the old version again. Journaled in",
                "PREFIX/var/upgrade-state.json: re-running the same command continues an interrupted upgrade."
            })
    static final class Upgrade extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        HostInstallCommand.From from;

        @Option(
                names = "--public-key",
                paramLabel = "FILE|PEM",
                description = "The key the bundle's signature must verify with (default: $"
                        + PinnedPublicKey.ENVIRONMENT + ", else the key built into this CLI).")
        String publicKey;

        @Option(names = "--unverified", description = "Take a bundle without checking its signature (not recommended).")
        boolean unverified;

        @Override
        public Integer call() {
            InstallLayout layout = layout();
            Consumer<String> out = lines();
            try {
                InstallSource source = from.source != null
                        ? new InstallSource.SourceTree(
                                from.source.toAbsolutePath().normalize())
                        : BundleIntake.of(
                                        unverified,
                                        Optional.ofNullable(publicKey),
                                        root.env(PinnedPublicKey.ENVIRONMENT))
                                .unpack(from.bundle.toAbsolutePath().normalize(), layout, out);
                try {
                    new StandaloneUpgrader(layout, services(layout), out, progress()).upgrade(source);
                } finally {
                    if (from.bundle != null) {
                        StandaloneInstaller.deleteTree(layout.var().resolve("bundle"));
                    }
                }
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            } catch (IOException e) {
                out.accept("Could not remove the unpacked bundle: " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = {
                "Go back to the version before the last upgrade and restore the backup that upgrade took.",
                "Everything written since the upgrade (deployments, online and offline values, secrets) is LOST;",
                "--yes says you know. Journaled: re-running continues an interrupted rollback."
            })
    static final class Rollback extends Base {
        @Option(names = "--yes", description = "Confirm that data written since the upgrade is lost.")
        boolean yes;

        @Override
        public Integer call() {
            InstallLayout layout = layout();
            try {
                StandaloneUpgrader.UpgradeRecord record = StandaloneUpgrader.record(layout)
                        .orElseThrow(() -> new InstallException(
                                "nothing to roll back: no upgrade recorded in " + layout.upgradeRecord()));
                if (!yes) {
                    throw new CliException("rollback restores " + record.from() + " and the backup taken when "
                            + "upgrading to " + record.to() + " (" + record.at() + "): everything written since is"
                            + " lost. Re-run with --yes to go ahead.");
                }
                new StandaloneUpgrader(layout, services(layout), lines(), progress()).rollback();
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "uninstall",
            mixinStandardHelpOptions = true,
            description = {
                "Stop a standalone install, remove its systemd units and program files; keep its data",
                "(PREFIX/var, PREFIX/etc) unless --delete-data."
            })
    static final class Uninstall extends Base {
        @Option(names = "--delete-data", description = "Also delete the data, settings and backups (irreversible).")
        boolean deleteData;

        @Override
        public Integer call() {
            InstallLayout layout = layout();
            try {
                new StandaloneUninstaller(layout, services(layout), new SystemHostProbe(), lines())
                        .uninstall(deleteData);
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
            return 0;
        }
    }
}
