package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a standalone install puts things under its prefix (docs/install.md, "Standalone host"):
 * <pre>
 * bin/slate                         the CLI launcher (uses current/jre/ when present)
 * versions/VERSION/                 the program files of one version:
 *   lib/cli/  lib/appliance/  lib/auth/   CLI, packaged appliance (quarkus-app), Keycloak launcher
 *   keycloak/                       the Keycloak distribution
 *   jre/                            the bundle's JRE (bundle installs only)
 * current -> versions/VERSION       the version that runs (switched atomically by slate upgrade / rollback)
 * etc/slate.env                     settings read by slate start and the systemd units
 * etc/secrets.properties            passwords of external databases (mode 0600; only with --postgres-password-file
 *                                   or --redis-password-file)
 * etc/systemd/                      slate-appliance.service, slate-keycloak.service
 * var/home/                         the Slate home: pg/, redis/, keycloak/, offline/, logs/, run/, secrets.key
 * var/install-state.json            the install's step journal
 * var/upgrade-state.json            the journal of the upgrade (or rollback) under way
 * var/upgrade.json                  the last upgrade: from and to which version, where its backup is
 * var/backups/FROM-to-TO/           the backup an upgrade took before it changed anything
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

    public Path versions() {
        return prefix.resolve("versions");
    }

    public Path version(InstallVersion version) {
        return versions().resolve(version.text());
    }

    /** The symbolic link to the version that runs; every program path below goes through it. */
    public Path current() {
        return prefix.resolve("current");
    }

    public Path lib() {
        return current().resolve("lib");
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
        return current().resolve("keycloak");
    }

    public Path jre() {
        return current().resolve("jre");
    }

    public Path etc() {
        return prefix.resolve("etc");
    }

    public Path envFile() {
        return etc().resolve("slate.env");
    }

    public Path secretsFile() {
        return etc().resolve("secrets.properties");
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

    public Path upgradeJournal() {
        return var().resolve("upgrade-state.json");
    }

    public Path upgradeRecord() {
        return var().resolve("upgrade.json");
    }

    public Path backups() {
        return var().resolve("backups");
    }

    public Path postgresData() {
        return home().resolve("pg");
    }

    public Path offline() {
        return home().resolve("offline");
    }

    /** {@code jre/bin/java} when the install has its own JRE, else the given fallback. */
    public Path java(Path fallback) {
        Path bundled = jre().resolve("bin").resolve("java");
        return Files.isExecutable(bundled) ? bundled : fallback;
    }
}
