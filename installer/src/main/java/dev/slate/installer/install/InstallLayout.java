package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a standalone install puts things under its prefix (docs/install.md, "Standalone host"):
 * <pre>
 * bin/slate                         the CLI launcher (uses jre/ when present)
 * lib/cli/  lib/appliance/  lib/auth/   CLI, packaged appliance (quarkus-app), Keycloak launcher
 * keycloak/                         the Keycloak distribution
 * jre/                              the bundle's JRE (bundle installs only)
 * etc/slate.env                     settings read by slate start and the systemd units
 * etc/systemd/                      slate-appliance.service, slate-keycloak.service
 * var/home/                         the Slate home: pg/, redis/, keycloak/, logs/, run/, secrets.key
 * var/install-state.json            the install's step journal
 * </pre>
 */
public record InstallLayout(Path prefix) {
    public InstallLayout {
        prefix = requireNonNull(prefix, "prefix is null").toAbsolutePath().normalize();
    }

    public Path bin() {
        return prefix.resolve("bin");
    }

    public Path launcher() {
        return bin().resolve("slate");
    }

    public Path lib() {
        return prefix.resolve("lib");
    }

    public Path cliLib() {
        return lib().resolve("cli");
    }

    public Path applianceDir() {
        return lib().resolve("appliance");
    }

    public Path applianceJar() {
        return applianceDir().resolve("quarkus-run.jar");
    }

    public Path authLib() {
        return lib().resolve("auth");
    }

    public Path keycloakDist() {
        return prefix.resolve("keycloak");
    }

    public Path jre() {
        return prefix.resolve("jre");
    }

    public Path etc() {
        return prefix.resolve("etc");
    }

    public Path envFile() {
        return etc().resolve("slate.env");
    }

    public Path systemdDir() {
        return etc().resolve("systemd");
    }

    public Path var() {
        return prefix.resolve("var");
    }

    public Path home() {
        return var().resolve("home");
    }

    public Path keycloakData() {
        return home().resolve("keycloak");
    }

    public Path logs() {
        return home().resolve("logs");
    }

    public Path run() {
        return home().resolve("run");
    }

    public Path appliancePidFile() {
        return run().resolve("appliance.pid");
    }

    public Path journal() {
        return var().resolve("install-state.json");
    }

    /** {@code jre/bin/java} when the install has its own JRE, else the given fallback. */
    public Path java(Path fallback) {
        Path bundled = jre().resolve("bin").resolve("java");
        return Files.isExecutable(bundled) ? bundled : fallback;
    }
}
