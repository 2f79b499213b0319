package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code slate uninstall --standalone}: stops the services, removes the systemd units (disabled first where systemd
 * runs them), the program files ({@code versions/}, {@code current}, {@code bin/}) and, only with
 * {@code --delete-data}, {@code var/} and {@code etc/} too. Each part is removed whole or not at all, so a re-run
 * after an interruption finishes the job.
 */
public final class StandaloneUninstaller {
    private final InstallLayout layout;
    private final InstalledServices services;
    private final HostProbe probe;
    private final Consumer<String> out;

    public StandaloneUninstaller(
            InstallLayout layout, InstalledServices services, HostProbe probe, Consumer<String> out) {
        this.layout = requireNonNull(layout, "layout is null");
        this.services = requireNonNull(services, "services is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.out = requireNonNull(out, "out is null");
    }

    public void uninstall(boolean deleteData) {
        if (!Files.exists(layout.envFile()) && !Files.exists(layout.versions())) {
            throw new InstallException("no standalone install at " + layout.prefix());
        }
        try {
            if (Files.exists(layout.envFile()) && Files.exists(layout.current())) {
                services.stop();
            }
            Path unitDir = Path.of("/etc/systemd/system");
            for (String unit : List.of(InstallFiles.APPLIANCE_UNIT, InstallFiles.KEYCLOAK_UNIT)) {
                Path linked = unitDir.resolve(unit);
                if (probe.systemdIsInit() && Files.exists(linked) && ours(linked)) {
                    run("systemctl", "disable", unit);
                    Files.delete(linked);
                    out.accept("Removed " + linked);
                }
            }
            if (probe.systemdIsInit()) {
                run("systemctl", "daemon-reload");
            }
            Files.deleteIfExists(layout.current());
            for (Path tree : List.of(
                    layout.versions(),
                    layout.bin(),
                    layout.systemdDir(),
                    layout.var().resolve("bundle"))) {
                StandaloneInstaller.deleteTree(tree);
            }
            Files.deleteIfExists(layout.journal());
            if (deleteData) {
                StandaloneInstaller.deleteTree(layout.var());
                StandaloneInstaller.deleteTree(layout.etc());
                out.accept("Removed Slate and its data from " + layout.prefix());
                try (var left = Files.list(layout.prefix())) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(layout.prefix());
                    }
                }
            } else {
                out.accept("Removed Slate's program files from " + layout.prefix() + "; kept its data in "
                        + layout.var() + " and its settings in " + layout.etc()
                        + " (--delete-data removes them; a new install of the same prefix reuses them)");
            }
        } catch (IOException e) {
            throw new InstallException("uninstall failed: " + e.getMessage() + " (run it again to finish)", e);
        }
    }

    /** A unit file of this prefix (not of another Slate install on the host). */
    private boolean ours(Path unit) throws IOException {
        return Files.readString(unit).contains(layout.envFile().toString());
    }

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new InstallException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted", e);
        }
    }
}
