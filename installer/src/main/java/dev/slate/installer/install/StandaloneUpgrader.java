package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code slate upgrade} and {@code slate rollback} of a standalone install (docs/install.md, "Upgrade and
 * rollback"). An upgrade refuses a source that is not newer than the running version before it changes anything;
 * then, in journaled steps ({@code var/upgrade-state.json}, resumed by a re-run like an install): a copy of the
 * online store (Redis {@code DUMP}), stop, a backup of the metadata PostgreSQL (the embedded server's data
 * directory, copied while it is stopped; {@code pg_dump -Fc} of an external one) and of the rest of the home
 * (Keycloak's data, the offline store, keys), the new version side by side in {@code versions/VERSION/}, the
 * {@code current} link switched atomically, start (the appliance migrates the schema as it starts), the online
 * store put back. When a step after the stop fails, the backup is restored, {@code current} switched back and the
 * old version started again; the error names the step. {@code rollback} restores the same backup on demand.
 */
public final class StandaloneUpgrader {

    /** Written by the Keycloak launcher into a distribution it built for production (docs/install.md). */
    static final String KEYCLOAK_BUILD_MARKER = "slate-build.properties";

    public static final List<String> UPGRADE_STEPS = List.of(
            "backup-online-store",
            "stop-services",
            "backup-metadata",
            "backup-home",
            "install-version",
            "switch-version",
            "start-new-version",
            "restore-online-store",
            "finish");

    public static final List<String> ROLLBACK_STEPS = List.of(
            "stop-services",
            "restore-metadata",
            "restore-home",
            "switch-version",
            "start-previous-version",
            "restore-online-store",
            "finish");

    /** {@code var/upgrade.json}: the last upgrade, from and to which version, and where its backup is. */
    public record UpgradeRecord(String from, String to, String backup, State state, String at) {
        public enum State {
            /** under way (or interrupted: a re-run continues) */
            UPGRADING,
            /** done; {@code slate rollback} can go back to {@code from} */
            UPGRADED,
            /** a step failed and the backup was restored: {@code from} runs */
            RESTORED,
            /** under way (or interrupted: a re-run of rollback continues) */
            ROLLING_BACK,
            /** {@code from} runs again with the backup's data */
            ROLLED_BACK
        }

        UpgradeRecord with(State next) {
            return new UpgradeRecord(from, to, backup, next, Instant.now().toString());
        }
    }

    /** What one run did. */
    public record Outcome(InstallVersion from, InstallVersion to, List<String> ran, List<String> skipped) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final InstallLayout layout;
    private final InstalledServices services;
    private final Consumer<String> out;
    private final StandaloneInstaller.StepHook hook;

    public StandaloneUpgrader(
            InstallLayout layout, InstalledServices services, Consumer<String> out, StandaloneInstaller.StepHook hook) {
        this.layout = requireNonNull(layout, "layout is null");
        this.services = requireNonNull(services, "services is null");
        this.out = requireNonNull(out, "out is null");
        this.hook = requireNonNull(hook, "hook is null");
    }

    /** The version {@code current} points at. */
    public static InstallVersion currentVersion(InstallLayout layout) {
        Path current = layout.current();
        if (!Files.isSymbolicLink(current)) {
            throw new InstallException("no standalone install at " + layout.prefix() + " (no " + current
                    + " link); install with: slate install --standalone --prefix " + layout.prefix());
        }
        try {
            return InstallVersion.of(
                    Files.readSymbolicLink(current).getFileName().toString());
        } catch (IOException e) {
            throw new InstallException("cannot read " + current + ": " + e.getMessage(), e);
        }
    }

    public static Optional<UpgradeRecord> record(InstallLayout layout) {
        if (!Files.isRegularFile(layout.upgradeRecord())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(layout.upgradeRecord().toFile(), UpgradeRecord.class));
        } catch (IOException e) {
            throw new InstallException("cannot read " + layout.upgradeRecord() + ": " + e.getMessage(), e);
        }
    }

    private void write(UpgradeRecord record) {
        try {
            StandaloneInstaller.writeAtomically(layout.upgradeRecord(), JSON.writeValueAsString(record) + "\n", false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.upgradeRecord(), e);
        }
    }

    /**
     * Upgrades to {@code source}'s version, or continues an interrupted upgrade to it.
     *
     * @throws InstallException before anything changed when the source is not newer than the running version, is
     *     incomplete, or another upgrade is under way; else naming the step that failed (the old version runs again
     *     with its data restored, unless the message says that the restore failed too)
     */
    public Outcome upgrade(InstallSource source) {
        InstallVersion from = currentVersion(layout);
        InstallVersion to = source.version();
        Optional<UpgradeRecord> previous = record(layout);
        boolean resuming =
                previous.filter(r -> r.state() == UpgradeRecord.State.UPGRADING).isPresent();
        if (previous.filter(r -> r.state() == UpgradeRecord.State.ROLLING_BACK).isPresent()) {
            throw new InstallException("a rollback is under way (" + layout.upgradeJournal()
                    + "); finish it first: slate rollback --standalone --prefix " + layout.prefix() + " --yes");
        }
        UpgradeRecord record;
        if (resuming) {
            record = previous.get();
            if (!record.to().equals(to.text())) {
                throw new InstallException("an upgrade from " + record.from() + " to " + record.to()
                        + " is under way; re-run it with the same source, or go back with slate rollback");
            }
            from = InstallVersion.of(record.from());
            out.accept("Resuming the upgrade from " + record.from() + " to " + record.to());
        } else {
            if (to.compareTo(from) <= 0) {
                throw new InstallException("refused: " + source.describe() + " is version " + to + ", not newer than"
                        + " the installed " + from + " (nothing was changed)");
            }
            source.check();
            checkExternalTools();
            record = new UpgradeRecord(
                    from.text(),
                    to.text(),
                    layout.backups().resolve(from + "-to-" + to).toString(),
                    UpgradeRecord.State.UPGRADING,
                    Instant.now().toString());
            try {
                Files.deleteIfExists(layout.upgradeJournal());
                StandaloneInstaller.deleteTree(Path.of(record.backup()));
            } catch (IOException e) {
                throw new InstallException("cannot clear an earlier backup: " + e.getMessage(), e);
            }
            write(record);
        }
        Path backup = Path.of(record.backup());
        InstallJournal journal = InstallJournal.open(layout.upgradeJournal(), "upgrade " + from + " -> " + to);
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String step : UPGRADE_STEPS) {
            if (journal.done(step)) {
                skipped.add(step);
                continue;
            }
            try {
                hook.beforeStep(step);
                switch (step) {
                    case "backup-online-store" -> backupOnlineStore(backup);
                    case "stop-services" -> services.stop();
                    case "backup-metadata" -> backupMetadata(backup);
                    case "backup-home" -> {
                        Path partial = backup.resolve("home.partial");
                        StandaloneInstaller.deleteTree(partial);
                        HomeSnapshot.take(layout.home(), partial);
                        Files.move(partial, backup.resolve("home"), StandardCopyOption.ATOMIC_MOVE);
                    }
                    case "install-version" -> installVersion(source, to);
                    case "switch-version" -> switchCurrent(layout, to);
                    case "start-new-version" -> {
                        out.accept("Starting " + to + " (its schema migrations run now)…");
                        services.start();
                    }
                    case "restore-online-store" -> restoreOnlineStore(backup, true);
                    case "finish" -> {
                        write(record.with(UpgradeRecord.State.UPGRADED));
                        Files.deleteIfExists(layout.upgradeJournal());
                    }
                    default -> throw new IllegalStateException("unknown step " + step);
                }
                if (!step.equals("finish")) {
                    journal.markDone(step);
                }
                ran.add(step);
            } catch (Exception e) {
                String reason = reason(e);
                journal.markFailed(step, reason);
                String failed = "upgrade step '" + step + "' failed: " + reason;
                if (UPGRADE_STEPS.indexOf(step) == 0) {
                    abandon(record);
                    throw new InstallException(failed + "\nNothing was changed; " + from + " still runs.", e);
                }
                try {
                    restore(record, journal, true);
                } catch (RuntimeException restoreFailed) {
                    throw new InstallException(
                            failed + "\nRestoring the backup failed too: " + reason(restoreFailed)
                                    + "\nThe backup is in " + backup + "; retry the restore with: slate rollback"
                                    + " --standalone --prefix " + layout.prefix() + " --yes",
                            e);
                }
                throw new InstallException(
                        failed + "\nThe backup was restored and " + from + " runs again (nothing of " + to
                                + " is left in use); the journal " + layout.upgradeRecord() + " records it.",
                        e);
            }
        }
        out.accept("Upgraded from " + from + " to " + to + "; the backup of " + from + " is in " + backup
                + " (slate rollback --standalone --prefix " + layout.prefix() + " --yes goes back to it)");
        return new Outcome(from, to, List.copyOf(ran), List.copyOf(skipped));
    }

    /**
     * Goes back to the version before the last upgrade and restores its backup; what was written since the upgrade
     * is lost. Continues an interrupted rollback.
     */
    public Outcome rollback() {
        UpgradeRecord record = record(layout)
                .orElseThrow(() ->
                        new InstallException("nothing to roll back: no upgrade recorded in " + layout.upgradeRecord()));
        switch (record.state()) {
            case UPGRADED, UPGRADING, ROLLING_BACK -> {}
            case RESTORED ->
                throw new InstallException("nothing to roll back: the upgrade to " + record.to() + " failed and "
                        + record.from() + " was restored then");
            case ROLLED_BACK ->
                throw new InstallException("nothing to roll back: " + record.from() + " was restored already");
        }
        InstallJournal journal;
        if (record.state() == UpgradeRecord.State.ROLLING_BACK) {
            journal = InstallJournal.open(layout.upgradeJournal(), "rollback " + record.to() + " -> " + record.from());
            out.accept("Resuming the rollback to " + record.from());
        } else {
            Optional<InstallJournal.State> upgrade = InstallJournal.read(layout.upgradeJournal());
            boolean backedUp = record.state() == UpgradeRecord.State.UPGRADED
                    || upgrade.map(s -> s.steps().stream()
                                    .anyMatch(step -> step.name().equals("backup-home")
                                            && step.status() == InstallJournal.StepStatus.DONE))
                            .orElse(false);
            if (!backedUp) {
                throw new InstallException("the upgrade to " + record.to() + " stopped before its backup was"
                        + " complete; nothing changed yet: re-run slate upgrade with the same source to continue");
            }
            try {
                Files.deleteIfExists(layout.upgradeJournal());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            record = record.with(UpgradeRecord.State.ROLLING_BACK);
            write(record);
            journal = InstallJournal.open(layout.upgradeJournal(), "rollback " + record.to() + " -> " + record.from());
        }
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            runRollbackSteps(record, journal, ran, skipped);
        } catch (RuntimeException e) {
            throw new InstallException(e.getMessage() + "\nRun the same command again to continue.", e);
        }
        write(record.with(UpgradeRecord.State.ROLLED_BACK));
        deleteQuietly(layout.upgradeJournal());
        out.accept(
                "Rolled back to " + record.from() + "; data written since the upgrade to " + record.to() + " is gone");
        return new Outcome(
                InstallVersion.of(record.to()),
                InstallVersion.of(record.from()),
                List.copyOf(ran),
                List.copyOf(skipped));
    }

    private void restore(UpgradeRecord record, InstallJournal upgradeJournal, boolean afterFailure) {
        // the restore after a failed step runs in full, on its own journal: the upgrade's says what was backed up
        boolean metadataSaved = upgradeJournal.done("backup-metadata");
        boolean homeSaved = upgradeJournal.done("backup-home");
        boolean onlineSaved = upgradeJournal.done("backup-online-store");
        Path backup = Path.of(record.backup());
        out.accept("Restoring " + record.from() + " and its data…");
        services.stop();
        if (metadataSaved) {
            restoreMetadata(backup);
        }
        if (homeSaved) {
            restoreHome(backup);
        }
        switchCurrent(layout, InstallVersion.of(record.from()));
        services.start();
        if (onlineSaved) {
            restoreOnlineStore(backup, false);
        }
        write(record.with(afterFailure ? UpgradeRecord.State.RESTORED : UpgradeRecord.State.ROLLED_BACK));
        deleteQuietly(layout.upgradeJournal());
        try {
            StandaloneInstaller.deleteTree(layout.version(InstallVersion.of(record.to())));
        } catch (IOException e) {
            out.accept("Could not remove " + layout.version(InstallVersion.of(record.to())) + ": " + e.getMessage());
        }
    }

    private void runRollbackSteps(
            UpgradeRecord record, InstallJournal journal, List<String> ran, List<String> skipped) {
        Path backup = Path.of(record.backup());
        for (String step : ROLLBACK_STEPS) {
            if (journal.done(step)) {
                skipped.add(step);
                continue;
            }
            try {
                hook.beforeStep(step);
                switch (step) {
                    case "stop-services" -> services.stop();
                    case "restore-metadata" -> restoreMetadata(backup);
                    case "restore-home" -> restoreHome(backup);
                    case "switch-version" -> switchCurrent(layout, InstallVersion.of(record.from()));
                    case "start-previous-version" -> services.start();
                    case "restore-online-store" -> restoreOnlineStore(backup, false);
                    case "finish" -> {}
                    default -> throw new IllegalStateException("unknown step " + step);
                }
                journal.markDone(step);
                ran.add(step);
            } catch (Exception e) {
                journal.markFailed(step, reason(e));
                throw new InstallException("rollback step '" + step + "' failed: " + reason(e), e);
            }
        }
    }

    private void abandon(UpgradeRecord record) {
        write(record.with(UpgradeRecord.State.RESTORED));
        deleteQuietly(layout.upgradeJournal());
    }

    private void checkExternalTools() {
        Optional<ExternalDatabases> external = ExternalDatabases.installed(layout);
        if (external.isEmpty()) {
            return;
        }
        PostgresTool tool =
                new PostgresTool(external.get().postgres(), external.get().postgresPassword());
        try {
            int major = tool.serverMajor();
            if (PostgresTool.toolsFor(major).isEmpty()) {
                throw new InstallException("refused: no pg_dump/pg_restore for PostgreSQL " + major + " or newer on"
                        + " this host, so the metadata could not be backed up (nothing was changed)");
            }
        } catch (SQLException e) {
            throw new InstallException(
                    "refused: the metadata PostgreSQL "
                            + external.get().postgres().url() + " does not answer: " + e.getMessage()
                            + " (nothing was changed)",
                    e);
        }
    }

    private Optional<RedisTarget> onlineStore() {
        Optional<ExternalDatabases> external = ExternalDatabases.installed(layout);
        return external.isPresent() ? Optional.of(external.get().redis()) : services.embeddedRedis();
    }

    private Optional<String> redisPassword() {
        return ExternalDatabases.installed(layout).flatMap(ExternalDatabases::redisPassword);
    }

    private void backupOnlineStore(Path backup) throws IOException {
        Files.createDirectories(backup);
        Path file = backup.resolve("online-store.bin");
        Optional<RedisTarget> redis = onlineStore();
        if (redis.isEmpty()) {
            // the embedded Redis keeps nothing on disk: with Slate stopped there is nothing to save
            Files.deleteIfExists(file);
            out.accept("The online store is empty (Slate is stopped and its embedded Redis keeps nothing)");
            Files.createFile(backup.resolve("online-store.none"));
            return;
        }
        int keys = OnlineStoreBackup.save(redis.get(), redisPassword(), file);
        out.accept("Saved the online store: " + keys + " keys");
    }

    private void restoreOnlineStore(Path backup, boolean upgrading) {
        Path file = backup.resolve("online-store.bin");
        Optional<ExternalDatabases> external = ExternalDatabases.installed(layout);
        if (upgrading && external.isPresent()) {
            return; // the external Redis kept its data while Slate was stopped
        }
        if (!Files.isRegularFile(file)) {
            return;
        }
        RedisTarget redis = onlineStore()
                .orElseThrow(() ->
                        new InstallException("the embedded Redis does not run: cannot reload the online" + " store"));
        try {
            int keys = OnlineStoreBackup.restore(redis, redisPassword(), file);
            out.accept("Reloaded the online store: " + keys + " keys");
        } catch (IOException e) {
            throw new InstallException(
                    "cannot reload the online store into " + redis.url(Optional.empty()) + ": " + e.getMessage(), e);
        }
    }

    private void backupMetadata(Path backup) throws IOException, SQLException, InterruptedException {
        Files.createDirectories(backup);
        Optional<ExternalDatabases> external = ExternalDatabases.installed(layout);
        if (external.isPresent()) {
            new PostgresTool(external.get().postgres(), external.get().postgresPassword())
                    .dump(backup.resolve("metadata.pgdump"));
            out.accept("Backed up the metadata database with pg_dump -Fc to " + backup.resolve("metadata.pgdump"));
            return;
        }
        Path data = layout.postgresData();
        if (!Files.isDirectory(data)) {
            out.accept("No embedded PostgreSQL data yet (" + data + "): nothing to back up");
            return;
        }
        if (Files.exists(data.resolve("postmaster.pid"))) {
            throw new InstallException(
                    "the embedded PostgreSQL still runs (" + data.resolve("postmaster.pid") + "): stop Slate first");
        }
        Path partial = backup.resolve("pg.partial");
        StandaloneInstaller.deleteTree(partial);
        StandaloneInstaller.copyTree(data, partial);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwx------"));
        Files.move(partial, backup.resolve("pg"), StandardCopyOption.ATOMIC_MOVE);
        out.accept("Backed up the embedded PostgreSQL's data directory (stopped: a consistent copy) to "
                + backup.resolve("pg"));
    }

    private void restoreMetadata(Path backup) {
        try {
            Optional<ExternalDatabases> external = ExternalDatabases.installed(layout);
            if (external.isPresent()) {
                Path dump = backup.resolve("metadata.pgdump");
                if (Files.isRegularFile(dump)) {
                    new PostgresTool(external.get().postgres(), external.get().postgresPassword()).restore(dump);
                    out.accept("Restored the metadata database from " + dump);
                }
                return;
            }
            Path saved = backup.resolve("pg");
            if (!Files.isDirectory(saved)) {
                return;
            }
            Path data = layout.postgresData();
            Path partial = data.resolveSibling("pg.restoring");
            StandaloneInstaller.deleteTree(partial);
            StandaloneInstaller.copyTree(saved, partial);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwx------"));
            StandaloneInstaller.deleteTree(data);
            Files.move(partial, data, StandardCopyOption.ATOMIC_MOVE);
            out.accept("Restored the embedded PostgreSQL's data directory from " + saved);
        } catch (IOException | SQLException e) {
            throw new InstallException("cannot restore the metadata database: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted while restoring the metadata database", e);
        }
    }

    private void restoreHome(Path backup) {
        Path saved = backup.resolve("home");
        if (!Files.isDirectory(saved)) {
            return;
        }
        try {
            HomeSnapshot.restore(saved, layout.home());
        } catch (IOException e) {
            throw new InstallException("cannot restore " + layout.home() + ": " + e.getMessage(), e);
        }
    }

    private void installVersion(InstallSource source, InstallVersion version) throws IOException {
        Path target = layout.version(version);
        if (Files.isDirectory(target) && Files.isRegularFile(target.resolve(".complete"))) {
            return;
        }
        Path staging = target.resolveSibling(version.text() + ".partial");
        StandaloneInstaller.deleteTree(staging);
        StandaloneInstaller.copyProgramFiles(source.check(), staging);
        carryKeycloakBuild(layout.keycloakDist(), staging.resolve("keycloak"));
        Files.createFile(staging.resolve(".complete"));
        StandaloneInstaller.deleteTree(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        out.accept("Installed " + version + " in " + target);
    }

    /**
     * A Keycloak distribution that is not built yet is built on its first start ({@code lib/quarkus/}, minutes
     * on a loaded host; the marker {@value #KEYCLOAK_BUILD_MARKER} records a production build, docs/install.md).
     * When the new version brings the same Keycloak (same {@code version.txt}) unbuilt, the old version's build
     * is valid for it too: it is copied over with its marker, and the new version's first start skips the
     * build. A new version that comes built (bundles build Keycloak) keeps its own build.
     */
    static void carryKeycloakBuild(Path from, Path to) throws IOException {
        Path fromVersion = from.resolve("version.txt");
        Path toVersion = to.resolve("version.txt");
        Path built = from.resolve("lib/quarkus");
        if (!Files.isRegularFile(fromVersion)
                || !Files.isRegularFile(toVersion)
                || !Files.isDirectory(built)
                || Files.mismatch(fromVersion, toVersion) != -1
                || Files.isRegularFile(to.resolve(KEYCLOAK_BUILD_MARKER))) {
            return;
        }
        if (Files.isRegularFile(from.resolve(KEYCLOAK_BUILD_MARKER))) {
            Files.copy(
                    from.resolve(KEYCLOAK_BUILD_MARKER),
                    to.resolve(KEYCLOAK_BUILD_MARKER),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        try (var files = Files.list(built)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file)) {
                    Files.copy(
                            file,
                            to.resolve("lib/quarkus").resolve(file.getFileName().toString()),
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Points {@code current} at {@code versions/VERSION} in one rename (a new link renamed over the old one). */
    static void switchCurrent(InstallLayout layout, InstallVersion version) {
        Path target = layout.version(version);
        if (!Files.isDirectory(target)) {
            throw new InstallException("no " + target + " to switch to");
        }
        Path next = layout.prefix().resolve("current.next");
        try {
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, layout.prefix().relativize(target));
            Files.move(next, layout.current(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new InstallException(
                    "cannot switch " + layout.current() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static String reason(Exception e) {
        return e instanceof InstallException || e instanceof UncheckedIOException
                ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale journal is recognised by the record's state
        }
    }
}
