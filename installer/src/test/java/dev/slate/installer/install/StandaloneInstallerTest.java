package dev.slate.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.bundle.BundleWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code slate install --standalone} into temporary prefixes, from a small stand-in of a built checkout. */
class StandaloneInstallerTest {
    private static final Path JAVA = Path.of("/jdk/bin/java");

    @TempDir
    Path dir;

    private Path repo;
    private InstallLayout layout;
    private final List<String> output = new ArrayList<>();

    @BeforeEach
    void builtCheckout() throws IOException {
        repo = dir.resolve("repo");
        write(repo.resolve("installer/target/slate-installer-0.1.0-SNAPSHOT.jar"), "cli");
        write(repo.resolve("installer/target/lib/picocli.jar"), "picocli");
        write(repo.resolve("appliance/target/quarkus-app/quarkus-run.jar"), "appliance");
        write(repo.resolve("appliance/target/quarkus-app/lib/main/x.jar"), "x");
        write(repo.resolve("auth/target/slate-auth-0.1.0-SNAPSHOT.jar"), "auth");
        Path jackson = write(dir.resolve("m2/jackson.jar"), "jackson");
        write(repo.resolve("auth/target/launcher.classpath"), jackson.toString());
        write(repo.resolve("auth/target/keycloak/keycloak-26.7.3/bin/kc.sh"), "#!/bin/sh\n");
        write(repo.resolve("auth/target/keycloak/keycloak-26.7.3/lib/lib.jar"), "kc");
        layout = new InstallLayout(dir.resolve("opt/slate"));
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private StandaloneInstaller installer(FakeHost host, StandaloneInstaller.StepHook hook) {
        return installer(new InstallSource.SourceTree(repo), host, hook);
    }

    private StandaloneInstaller installer(InstallSource source, FakeHost host, StandaloneInstaller.StepHook hook) {
        return new StandaloneInstaller(
                layout,
                source,
                new InstallSettings(8080, 18080, JAVA, false),
                host,
                HostRequirements.defaults(),
                SystemdControl.none(),
                output::add,
                hook);
    }

    private void assertComplete() throws IOException {
        assertThat(Files.readString(layout.cliLib().resolve("slate-installer.jar")))
                .isEqualTo("cli");
        assertThat(layout.cliLib().resolve("lib/picocli.jar")).exists();
        assertThat(Files.readString(layout.applianceJar())).isEqualTo("appliance");
        assertThat(layout.applianceDir().resolve("lib/main/x.jar")).exists();
        assertThat(layout.authLib().resolve("slate-auth-0.1.0-SNAPSHOT.jar")).exists();
        assertThat(layout.authLib().resolve("jackson.jar")).exists();
        assertThat(layout.keycloakDist().resolve("bin/kc.sh")).exists();
        assertThat(layout.envFile()).exists();
        assertThat(layout.launcher()).isExecutable();
        assertThat(layout.systemdDir().resolve(InstallFiles.APPLIANCE_UNIT)).exists();
        assertThat(layout.systemdDir().resolve(InstallFiles.KEYCLOAK_UNIT)).exists();
        assertThat(layout.home()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.home())))
                .isEqualTo("rwx------");
        try (var entries = Files.list(layout.lib())) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("cli", "appliance", "auth");
        }
        InstallJournal.State state = InstallJournal.read(layout.journal()).orElseThrow();
        assertThat(state.steps())
                .extracting(InstallJournal.Step::name)
                .containsExactlyInAnyOrderElementsOf(StandaloneInstaller.STEPS);
        assertThat(state.steps()).allMatch(s -> s.status() == InstallJournal.StepStatus.DONE);
    }

    @Test
    void aFreshInstallLaysOutEveryPartAndRecordsEachStep() throws Exception {
        StandaloneInstaller.Outcome outcome =
                installer(FakeHost.good(), step -> {}).install();

        assertThat(outcome.ran()).containsExactlyElementsOf(StandaloneInstaller.STEPS);
        assertThat(outcome.systemdStarted()).isFalse();
        assertComplete();
        assertThat(output).anyMatch(l -> l.contains("slate start"));
        Map<String, String> env = InstallFiles.readEnv(layout.envFile());
        assertThat(env)
                .containsEntry("SLATE_HOME", layout.home().toString())
                .containsEntry("SLATE_EMBEDDED", "true")
                .containsEntry("SLATE_HTTP_PORT", "8080")
                .containsEntry("SLATE_AUTH_ISSUER", "http://127.0.0.1:18080/realms/slate")
                .containsEntry("SLATE_JAVA", JAVA.toString())
                .containsEntry("SLATE_DEMO", "false");
    }

    @Test
    void theLauncherRunsTheInstalledCli() throws Exception {
        installer(FakeHost.good(), step -> {}).install();
        String launcher = Files.readString(layout.launcher());
        assertThat(launcher)
                .startsWith("#!/bin/sh\n")
                .contains("SLATE_PREFIX='" + layout.prefix() + "'")
                .contains(
                        "exec \"$JAVA\" -cp \"$SLATE_PREFIX/current/lib/cli/*:$SLATE_PREFIX/current/lib/cli/lib/*\" dev.slate.installer.SlateCli \"$@\"");
        Process sh = new ProcessBuilder("sh", "-n", layout.launcher().toString())
                .redirectErrorStream(true)
                .start();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue())
                .as("valid sh: " + new String(sh.getInputStream().readAllBytes()))
                .isZero();
    }

    @Test
    void aReRunIsIdempotentAndKeepsEditedSettings() throws Exception {
        installer(FakeHost.good(), step -> {}).install();
        Files.writeString(layout.envFile(), Files.readString(layout.envFile()) + "SLATE_EXTRA=kept\n");
        List<String> ran = new ArrayList<>();

        StandaloneInstaller.Outcome again = installer(FakeHost.good(), ran::add).install();

        assertThat(ran).as("only preflight runs again").containsExactly("preflight");
        assertThat(again.skipped())
                .containsExactlyElementsOf(StandaloneInstaller.STEPS.subList(1, StandaloneInstaller.STEPS.size()));
        assertThat(InstallFiles.readEnv(layout.envFile())).containsEntry("SLATE_EXTRA", "kept");
        assertComplete();
    }

    static List<String> steps() {
        return StandaloneInstaller.STEPS;
    }

    @ParameterizedTest
    @MethodSource("steps")
    void aFailureAtAnyStepIsNamedAndTheNextRunContinuesThere(String failing) throws Exception {
        assertThatThrownBy(() -> installer(FakeHost.good(), step -> {
                            if (step.equals(failing)) {
                                throw new IOException("simulated failure");
                            }
                        })
                        .install())
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("install step '" + failing + "' failed: IOException: simulated failure")
                .hasMessageContaining("run the same command again to continue");
        InstallJournal.State state = InstallJournal.read(layout.journal()).orElseThrow();
        int k = StandaloneInstaller.STEPS.indexOf(failing);
        assertThat(state.steps())
                .filteredOn(s -> s.status() == InstallJournal.StepStatus.DONE)
                .extracting(InstallJournal.Step::name)
                .containsExactlyElementsOf(StandaloneInstaller.STEPS.subList(0, k));
        assertThat(state.steps())
                .filteredOn(s -> s.status() == InstallJournal.StepStatus.FAILED)
                .singleElement()
                .satisfies(s -> assertThat(s.name()).isEqualTo(failing));

        List<String> ran = new ArrayList<>();
        installer(FakeHost.good(), ran::add).install();

        List<String> expected = new ArrayList<>();
        if (k > 0) {
            expected.add("preflight");
        }
        expected.addAll(StandaloneInstaller.STEPS.subList(k, StandaloneInstaller.STEPS.size()));
        assertThat(ran).containsExactlyElementsOf(expected);
        assertThat(output).anyMatch(l -> l.contains("Resuming the install: step '" + failing + "' failed last time"));
        assertComplete();
    }

    @Test
    void aHalfCopiedTreeOfAnInterruptedRunIsReplaced() throws Exception {
        Path lib = layout.version(InstallVersion.of("0.1.0-SNAPSHOT")).resolve("lib");
        write(lib.resolve("appliance.partial/garbage"), "half");
        installer(FakeHost.good(), step -> {}).install();
        assertThat(lib.resolve("appliance.partial")).doesNotExist();
        assertComplete();
    }

    @Test
    void aTooSmallOrFullDiskIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> installer(FakeHost.good().withUsable(HostRequirements.GIB), step -> {})
                        .install())
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("install step 'preflight' failed: preflight failed: disk: 1.0 GiB free at "
                        + layout.prefix() + "; at least 3.0 GiB needed");
        assertThat(layout.lib()).doesNotExist();
        assertThat(layout.etc()).doesNotExist();
        assertThat(InstallJournal.read(layout.journal()).orElseThrow().steps())
                .singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo(InstallJournal.StepStatus.FAILED));

        assertThatThrownBy(() ->
                        installer(FakeHost.good().withUsable(0), step -> {}).install())
                .hasMessageContaining("disk: the disk holding " + layout.prefix() + " is full (0 MiB free)");
    }

    @Test
    void aMissingPartOfTheSourceIsNamed() throws Exception {
        StandaloneInstaller.deleteTree(repo.resolve("appliance/target"));
        assertThatThrownBy(() -> installer(FakeHost.good(), step -> {}).install())
                .hasMessageContaining("install step 'check-source' failed: missing the packaged appliance: "
                        + repo.resolve("appliance/target/quarkus-app"));
    }

    @Test
    void systemdUnits() throws Exception {
        installer(FakeHost.good(), step -> {}).install();
        String appliance = Files.readString(layout.systemdDir().resolve(InstallFiles.APPLIANCE_UNIT));
        assertThat(appliance)
                .contains("Requires=slate-keycloak.service")
                .contains("After=network.target slate-keycloak.service")
                .contains("Type=simple")
                .contains("EnvironmentFile=" + layout.envFile())
                .contains("WorkingDirectory=" + layout.home())
                .contains("ExecStart=/jdk/bin/java --enable-native-access=ALL-UNNAMED -jar " + layout.applianceJar())
                .contains("KillMode=mixed")
                .contains("Restart=on-failure")
                .contains("WantedBy=multi-user.target");
        String keycloak = Files.readString(layout.systemdDir().resolve(InstallFiles.KEYCLOAK_UNIT));
        assertThat(keycloak)
                .contains("Type=forking")
                .contains("ExecStart=" + layout.launcher() + " start --prefix " + layout.prefix() + " --only keycloak")
                .contains("ExecStop=" + layout.launcher() + " stop --prefix " + layout.prefix() + " --only keycloak")
                .contains("PIDFile=" + layout.run().resolve("keycloak.pid"))
                .contains("Restart=on-failure");
    }

    /** The bundle layout of docs/install.md ("What is in the bundle"), small. */
    private Path bundleContent() throws IOException {
        Path tree = dir.resolve("slate-bundle-0.1.0");
        write(tree.resolve("cli/slate-installer-0.1.0.jar"), "cli");
        write(tree.resolve("cli/lib/picocli.jar"), "picocli");
        write(tree.resolve("appliance/quarkus-app/quarkus-run.jar"), "appliance");
        write(tree.resolve("appliance/quarkus-app/lib/main/x.jar"), "x");
        write(tree.resolve("auth/slate-auth-0.1.0-SNAPSHOT.jar"), "auth");
        write(tree.resolve("auth/jackson.jar"), "jackson");
        write(tree.resolve("keycloak/keycloak-26.7.3/bin/kc.sh"), "#!/bin/sh\n");
        write(tree.resolve("keycloak/keycloak-26.7.3/lib/lib.jar"), "kc");
        write(tree.resolve("keycloak/slate-realm.json"), "{}");
        Path java = write(tree.resolve("jre/bin/java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tree;
    }

    @Test
    void aSignedBundleIsVerifiedWhileUnpackedAndInstallsWithItsJre() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path tar = dir.resolve("slate-bundle-0.1.0.tar");
        BundleWriter.pack(
                bundleContent(),
                "0.1.0",
                "0123456789abcdef0123456789abcdef01234567",
                Instant.parse("2026-12-06T12:00:00Z"),
                keys.getPrivate(),
                tar);
        String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());

        InstallSource source =
                BundleIntake.of(false, Optional.of(publicKey), Optional.empty()).unpack(tar, layout, output::add);
        installer(source, FakeHost.good().withJava(17), step -> {}).install();

        assertComplete();
        assertThat(layout.jre().resolve("bin/java")).isExecutable();
        assertThat(output).anyMatch(l -> l.startsWith("Bundle slate-bundle-0.1.0.tar verified ("));
        assertThat(Files.readString(layout.systemdDir().resolve(InstallFiles.APPLIANCE_UNIT)))
                .contains("ExecStart=" + layout.jre().resolve("bin/java") + " ");
    }

    @Test
    void aBundleSignedWithAnotherKeyOrUnsignedIsRefusedBeforeAnythingChanges() throws Exception {
        KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair pinned = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path tar = dir.resolve("slate-bundle-0.1.0.tar");
        BundleWriter.pack(
                bundleContent(),
                "0.1.0",
                "0123456789abcdef0123456789abcdef01234567",
                Instant.parse("2026-12-06T12:00:00Z"),
                signer.getPrivate(),
                tar);
        Optional<String> pinnedKey = Optional.of(
                Base64.getEncoder().encodeToString(pinned.getPublic().getEncoded()));

        assertThatThrownBy(() ->
                        BundleIntake.of(false, pinnedKey, Optional.empty()).unpack(tar, layout, output::add))
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("bundle slate-bundle-0.1.0.tar refused");
        Path plain = dir.resolve("plain.tar");
        assertThat(new ProcessBuilder("tar", "-cf", plain.toString(), "-C", dir.toString(), "slate-bundle-0.1.0")
                        .start()
                        .waitFor())
                .isZero();
        assertThatThrownBy(() ->
                        BundleIntake.of(false, pinnedKey, Optional.empty()).unpack(plain, layout, output::add))
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("refused");
        assertThat(layout.var().resolve("bundle")).doesNotExist();
        assertThat(layout.lib()).doesNotExist();

        InstallSource unverified =
                BundleIntake.of(true, Optional.empty(), Optional.empty()).unpack(plain, layout, output::add);
        installer(unverified, FakeHost.good(), step -> {}).install();
        assertComplete();
        assertThat(output).contains("WARNING: the bundle's signature is NOT verified (--unverified)");
    }
}
