package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code slate install --standalone}: lays out an install under a prefix in named steps, each idempotent,
 * recorded in {@code var/install-state.json}. A step recorded as done is skipped on a re-run; a failed
 * or interrupted install says which step failed, and the next run continues there. File trees are
 * copied to {@code NAME.partial} and renamed into place, so a half-copied tree is never taken for a
 * finished one.
 */
public final class StandaloneInstaller {

    /** The steps in order. */
    public static final List<String> STEPS = List.of(
            "preflight",
            "check-source",
            "select-version",
            "copy-cli",
            "copy-appliance",
            "copy-auth",
            "copy-keycloak",
            "copy-jre",
            "write-config",
            "write-launcher",
            "write-systemd-units",
            "prepare-data",
            "enable-services");

    /** Called before each step that runs (not for skipped ones); tests use it to fail or interrupt at a step. */
    public interface StepHook {
        void beforeStep(String step) throws Exception;
    }

    /** What one run did. */
    public record Outcome(
            List<String> ran, List<String> skipped, boolean systemdStarted, List<PreflightCheck> preflight) {}

    private final InstallLayout layout;
    private final InstallSource source;
    private final InstallSettings settings;
    private final HostProbe probe;
    private final HostRequirements requirements;
    private final SystemdControl systemd;
    private final Consumer<String> out;
    private final StepHook hook;

    public StandaloneInstaller(
            InstallLayout layout,
            InstallSource source,
            InstallSettings settings,
            HostProbe probe,
            HostRequirements requirements,
            SystemdControl systemd,
            Consumer<String> out,
            StepHook hook) {
        this.layout = requireNonNull(layout, "layout is null");
        this.source = requireNonNull(source, "source is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.requirements = requireNonNull(requirements, "requirements is null");
        this.systemd = requireNonNull(systemd, "systemd is null");
        this.out = requireNonNull(out, "out is null");
        this.hook = requireNonNull(hook, "hook is null");
    }

    /**
     * @throws InstallException naming the step that failed; the journal records it and a re-run continues there
     */
    public Outcome install() {
        InstallJournal journal = InstallJournal.open(layout.journal(), source.describe());
        journal.failed()
                .ifPresent(f -> out.accept(
                        "Resuming the install: step '" + f.name() + "' failed last time (" + f.error() + ")"));
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<PreflightCheck> preflight = List.of();
        boolean started = false;
        InstallSource.Parts parts = null;
        for (String step : STEPS) {
            boolean preflightStep = step.equals("preflight");
            // preflight runs every time: the host may have changed since (a full disk, a taken port)
            if (journal.done(step) && !preflightStep) {
                skipped.add(step);
                continue;
            }
            try {
                hook.beforeStep(step);
                switch (step) {
                    case "preflight" -> {
                        List<PreflightCheck> checks = new ArrayList<>(
                                new HostPreflight(probe, requirements).run(layout.prefix(), hasJre(), false));
                        settings.external().ifPresent(e -> checks.addAll(e.preflight()));
                        preflight = List.copyOf(checks);
                        List<PreflightCheck> failed = preflight.stream()
                                .filter(c -> c.status() == PreflightCheck.Status.FAIL)
                                .toList();
                        if (!failed.isEmpty()) {
                            throw new InstallException("preflight failed: "
                                    + String.join(
                                            "; ",
                                            failed.stream()
                                                    .map(c -> c.name() + ": " + c.detail())
                                                    .toList()));
                        }
                    }
                    case "check-source" -> parts = source.check();
                    case "select-version" -> selectVersion(source.version());
                    case "copy-cli", "copy-appliance", "copy-auth", "copy-keycloak", "copy-jre" -> {
                        if (parts == null) {
                            parts = source.check();
                        }
                        copy(step, parts);
                    }
                    case "write-config" -> {
                        writeSecrets();
                        if (!Files.exists(layout.envFile())) {
                            writeAtomically(layout.envFile(), InstallFiles.envFile(layout, settings), false);
                        } else {
                            out.accept("Keeping " + layout.envFile() + " (edited settings survive a re-install)");
                        }
                    }
                    case "write-launcher" ->
                        writeAtomically(layout.launcher(), InstallFiles.launcher(layout, settings.java()), true);
                    case "write-systemd-units" -> {
                        writeAtomically(
                                layout.systemdDir().resolve(InstallFiles.KEYCLOAK_UNIT),
                                InstallFiles.keycloakUnit(layout),
                                false);
                        writeAtomically(
                                layout.systemdDir().resolve(InstallFiles.APPLIANCE_UNIT),
                                InstallFiles.applianceUnit(layout, settings),
                                false);
                    }
                    case "prepare-data" -> {
                        for (Path dir : List.of(layout.home(), layout.logs(), layout.run())) {
                            Files.createDirectories(dir);
                        }
                        Files.setPosixFilePermissions(layout.home(), PosixFilePermissions.fromString("rwx------"));
                    }
                    case "enable-services" -> started = systemd.install(layout, out);
                    default -> throw new IllegalStateException("unknown step " + step);
                }
                journal.markDone(step);
                ran.add(step);
            } catch (Exception e) {
                String reason = e instanceof InstallException || e instanceof UncheckedIOException
                        ? e.getMessage()
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                journal.markFailed(step, reason);
                throw new InstallException(
                        "install step '" + step + "' failed: " + reason + "\nThe journal " + layout.journal()
                                + " records it; run the same command again to continue.",
                        e);
            }
        }
        return new Outcome(List.copyOf(ran), List.copyOf(skipped), started, preflight);
    }

    private void copy(String step, InstallSource.Parts parts) throws IOException {
        switch (step) {
            case "copy-cli" -> {
                Path staging = staging(layout.cliLib());
                Files.copy(parts.cliJar(), staging.resolve("slate-installer.jar"));
                copyTree(parts.cliLib(), staging.resolve("lib"));
                commit(staging, layout.cliLib());
            }
            case "copy-appliance" -> {
                Path staging = staging(layout.applianceDir());
                copyTree(parts.applianceDir(), staging);
                commit(staging, layout.applianceDir());
            }
            case "copy-auth" -> {
                Path staging = staging(layout.authLib());
                for (Path jar : parts.authJars()) {
                    Files.copy(jar, staging.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                commit(staging, layout.authLib());
            }
            case "copy-keycloak" -> {
                Path staging = staging(layout.keycloakDist());
                copyTree(parts.keycloakDist(), staging);
                commit(staging, layout.keycloakDist());
            }
            case "copy-jre" -> {
                if (parts.jre().isPresent()) {
                    Path staging = staging(layout.jre());
                    copyTree(parts.jre().get(), staging);
                    commit(staging, layout.jre());
                }
            }
            default -> throw new IllegalStateException(step);
        }
    }

    /** Copies the external databases' passwords into the install (mode 0600), and writes the appliance's secrets file. */
    private void writeSecrets() throws IOException {
        if (settings.external().isEmpty()) {
            return;
        }
        ExternalDatabases external = settings.external().get();
        if (external.postgresPasswordFile().isEmpty()
                && external.redisPasswordFile().isEmpty()) {
            return;
        }
        Path dir = layout.etc().resolve("secrets");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        external.postgresPassword()
                .ifPresent(p -> writeSecret(ExternalDatabases.installedPasswordFile(layout, "postgres-password"), p));
        external.redisPassword()
                .ifPresent(p -> writeSecret(ExternalDatabases.installedPasswordFile(layout, "redis-password"), p));
        InstallFiles.secretsFile(settings).ifPresent(text -> writeSecret(layout.secretsFile(), text));
    }

    /** Written with mode 0600 from the start: the text is never readable by others, not even for a moment. */
    private static void writeSecret(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Makes {@code current} point at {@code versions/VERSION/} of the source's version (the copy steps write through
     * it); refuses to install over an install of another version (that is what {@code slate upgrade} is for).
     */
    private void selectVersion(InstallVersion version) throws IOException {
        Path current = layout.current();
        if (Files.isSymbolicLink(current)) {
            InstallVersion installed = StandaloneUpgrader.currentVersion(layout);
            if (!installed.equals(version)) {
                throw new InstallException("version " + installed + " is installed at " + layout.prefix()
                        + "; to move to " + version + " use: slate upgrade --standalone --prefix " + layout.prefix());
            }
            return;
        }
        Files.createDirectories(layout.version(version));
        StandaloneUpgrader.switchCurrent(layout, version);
    }

    /** Copies a version's program files into {@code root} ({@code lib/cli}, {@code lib/appliance}, …) for an upgrade. */
    static void copyProgramFiles(InstallSource.Parts parts, Path root) throws IOException {
        Path cli = root.resolve("lib/cli");
        Files.createDirectories(cli);
        Files.copy(parts.cliJar(), cli.resolve("slate-installer.jar"));
        copyTree(parts.cliLib(), cli.resolve("lib"));
        copyTree(parts.applianceDir(), root.resolve("lib/appliance"));
        Path auth = root.resolve("lib/auth");
        Files.createDirectories(auth);
        for (Path jar : parts.authJars()) {
            Files.copy(jar, auth.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        copyTree(parts.keycloakDist(), root.resolve("keycloak"));
        if (parts.jre().isPresent()) {
            copyTree(parts.jre().get(), root.resolve("jre"));
        }
    }

    private boolean hasJre() {
        try {
            return source.check().jre().isPresent()
                    || Files.isExecutable(layout.jre().resolve("bin/java"));
        } catch (InstallException e) {
            return false;
        }
    }

    private static Path staging(Path target) throws IOException {
        Path staging = target.resolveSibling(target.getFileName() + ".partial");
        deleteTree(staging);
        Files.createDirectories(staging);
        return staging;
    }

    private static void commit(Path staging, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        deleteTree(old);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    static void writeAtomically(Path file, String content, boolean executable) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies a tree; links are copied as links (the Keycloak distribution has none, a JRE may). */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(
                        file,
                        to.resolve(from.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
