package dev.slate.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.bundle.BundleWriter;
import dev.slate.storage.testservers.TestPostgres;
import dev.slate.storage.testservers.TestServers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slate upgrade} and {@code slate rollback} of a standalone install whose metadata PostgreSQL and online
 * store Redis are real servers ({@link TestServers}, standing in for external ones), backed up with the real
 * {@code pg_dump}/{@code pg_restore}. The program files are small stand-ins; the appliance is {@link FakeAppliance},
 * which runs the version's schema migrations (SQL files of its payload) against the real PostgreSQL as it starts.
 */
class StandaloneUpgraderTest {
    private static final Path JAVA = Path.of("/jdk/bin/java");

    @TempDir
    Path dir;

    private InstallLayout layout;
    private PostgresTarget postgres;
    private RedisTarget redis;
    private FakeAppliance appliance;
    private final List<String> output = new ArrayList<>();

    /** A simulated kill: not an {@link Exception}, so the upgrade neither records a failure nor restores. */
    static final class SimulatedKill extends Error {
        SimulatedKill(String step) {
            super("killed before " + step);
        }
    }

    @BeforeEach
    void servers() throws Exception {
        TestPostgres test = TestServers.postgres();
        String database =
                "upgrade_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = test.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        postgres = new PostgresTarget(test.host(), test.port(), database, test.user());
        RedisTarget server = RedisTarget.parse(TestServers.redisUrl());
        redis = new RedisTarget(
                server.host(), server.port(), ThreadLocalRandom.current().nextInt(1, 16));
        try (RedisWire wire = RedisWire.connect(redis, Optional.empty())) {
            wire.call("FLUSHDB");
        }
        layout = new InstallLayout(dir.resolve("opt/slate"));
        appliance = new FakeAppliance(layout, postgres);
    }

    /** A built checkout of {@code version} whose appliance migrates with {@code migrations} (name → SQL). */
    private InstallSource checkout(String version, TreeMap<String, String> migrations) throws IOException {
        Path repo = dir.resolve("repo-" + version);
        write(repo.resolve("installer/target/slate-installer-" + version + ".jar"), "cli " + version);
        write(repo.resolve("installer/target/lib/picocli.jar"), "picocli");
        write(repo.resolve("appliance/target/quarkus-app/quarkus-run.jar"), "appliance " + version);
        for (var migration : migrations.entrySet()) {
            write(repo.resolve("appliance/target/quarkus-app/migrations/" + migration.getKey()), migration.getValue());
        }
        write(repo.resolve("auth/target/slate-auth-" + version + ".jar"), "auth");
        Path jackson = write(dir.resolve("m2/jackson.jar"), "jackson");
        write(repo.resolve("auth/target/launcher.classpath"), jackson.toString());
        write(repo.resolve("auth/target/keycloak/keycloak-26.7.3/bin/kc.sh"), "#!/bin/sh\n");
        write(repo.resolve("auth/target/keycloak/keycloak-26.7.3/version.txt"), "Keycloak - Version 26.7.3\n");
        write(repo.resolve("auth/target/keycloak/keycloak-26.7.3/lib/quarkus/build-system.properties"), "pristine");
        return new InstallSource.SourceTree(repo);
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static TreeMap<String, String> v1() {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("V1__deployments.sql", """
                CREATE TABLE deployments (id int PRIMARY KEY, project text NOT NULL);
                CREATE TABLE environment_secrets (name text PRIMARY KEY, ciphertext bytea NOT NULL);
                CREATE TABLE bindings (feature text PRIMARY KEY, source text NOT NULL);
                """);
        return m;
    }

    private static TreeMap<String, String> v2() {
        TreeMap<String, String> m = v1();
        m.put("V2__branches.sql", """
                ALTER TABLE deployments ADD COLUMN branch text NOT NULL DEFAULT 'main';
                CREATE TABLE branches (name text PRIMARY KEY);
                """);
        return m;
    }

    private StandaloneUpgrader upgrader(StandaloneInstaller.StepHook hook) {
        return new StandaloneUpgrader(layout, appliance, output::add, hook);
    }

    /** Installs 0.1.0 with the external databases, starts it and writes data of every kind. */
    private void installedWithData() throws Exception {
        install(new InstallSettings(
                8080,
                18080,
                JAVA,
                false,
                Optional.of(new ExternalDatabases(postgres, Optional.empty(), redis, Optional.empty()))));
        appliance.start();
        sql(
                "INSERT INTO deployments VALUES (1, 'fraud'), (2, 'churn')",
                "INSERT INTO environment_secrets VALUES ('db-password', '\\x0102ff'::bytea)",
                "INSERT INTO bindings VALUES ('score', 'postgresql://warehouse/scores')");
        try (RedisWire wire = RedisWire.connect(redis, Optional.empty())) {
            wire.call("HSET", "slate:fraud:device:7", "score", "0.25", "count", "3");
            wire.call("SET", "slate:fraud:ttl", "soon", "PX", "600000");
        }
        write(layout.offline().resolve("warehouse/fraud/device/data/00000-0.parquet"), "PAR1 history PAR1");
        write(layout.offline().resolve("warehouse/fraud/device/metadata/v1.metadata.json"), "{\"v\":1}");
        write(layout.home().resolve("secrets.key"), "key-of-0.1.0");
    }

    /** Installs 0.1.0 with {@code settings}. */
    private void install(InstallSettings settings) throws IOException {
        new StandaloneInstaller(
                        layout,
                        checkout("0.1.0", v1()),
                        settings,
                        FakeHost.good(),
                        HostRequirements.defaults(),
                        SystemdControl.none(),
                        output::add,
                        step -> {})
                .install();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = new PostgresTool(postgres, Optional.empty()).connect();
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private List<String> rows(String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = new PostgresTool(postgres, Optional.empty()).connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    cells.add(r.getString(i));
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }

    private boolean tableExists(String name) throws SQLException {
        return !rows("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + name + "'")
                .isEmpty();
    }

    private Object redis(String... command) throws IOException {
        try (RedisWire wire = RedisWire.connect(redis, Optional.empty())) {
            Object reply = wire.call(command);
            return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : reply;
        }
    }

    /** Everything written by {@link #installedWithData} is there, as written. */
    private void assertOriginalData() throws Exception {
        assertThat(rows("SELECT id, project FROM deployments ORDER BY id")).containsExactly("1|fraud", "2|churn");
        assertThat(rows("SELECT name, encode(ciphertext, 'hex') FROM environment_secrets"))
                .containsExactly("db-password|0102ff");
        assertThat(rows("SELECT feature, source FROM bindings")).containsExactly("score|postgresql://warehouse/scores");
        assertThat(redis("HGET", "slate:fraud:device:7", "score")).isEqualTo("0.25");
        assertThat(redis("HGET", "slate:fraud:device:7", "count")).isEqualTo("3");
        assertThat((Long) redis("PTTL", "slate:fraud:ttl")).isPositive().isLessThanOrEqualTo(600_000L);
        assertThat(Files.readString(layout.offline().resolve("warehouse/fraud/device/data/00000-0.parquet")))
                .isEqualTo("PAR1 history PAR1");
        assertThat(Files.readString(layout.home().resolve("secrets.key"))).isEqualTo("key-of-0.1.0");
    }

    private InstallVersion current() {
        return StandaloneUpgrader.currentVersion(layout);
    }

    @Test
    void dataWrittenBeforeAnUpgradeIsThereAfterItAndAfterTheRollback() throws Exception {
        installedWithData();
        // Keycloak's first start re-augmented the distribution of 0.1.0
        write(layout.keycloakDist().resolve("lib/quarkus/build-system.properties"), "built at first start");

        StandaloneUpgrader.Outcome outcome = upgrader(step -> {}).upgrade(checkout("0.2.0", v2()));

        assertThat(Files.readString(layout.keycloakDist().resolve("lib/quarkus/build-system.properties")))
                .as("the same Keycloak: its build is carried over, the first start of 0.2.0 skips it")
                .isEqualTo("built at first start");
        assertThat(outcome.ran()).containsExactlyElementsOf(StandaloneUpgrader.UPGRADE_STEPS);
        assertThat(current()).isEqualTo(InstallVersion.of("0.2.0"));
        assertThat(appliance.runningVersion()).contains("0.2.0");
        assertThat(Files.readString(layout.applianceJar())).isEqualTo("appliance 0.2.0");
        assertThat(layout.version(InstallVersion.of("0.1.0"))).isDirectory();
        assertOriginalData();
        assertThat(rows("SELECT id, branch FROM deployments ORDER BY id")).containsExactly("1|main", "2|main");
        assertThat(Path.of(StandaloneUpgrader.record(layout).orElseThrow().backup())
                        .resolve("metadata.pgdump"))
                .isRegularFile();
        assertThat(StandaloneUpgrader.record(layout).orElseThrow().state())
                .isEqualTo(StandaloneUpgrader.UpgradeRecord.State.UPGRADED);

        // written after the upgrade: lost by the rollback
        sql("INSERT INTO deployments VALUES (3, 'late')", "INSERT INTO branches VALUES ('feature-x')");
        redis("SET", "slate:late", "x");
        redis("HSET", "slate:fraud:device:7", "score", "0.99");
        write(layout.offline().resolve("warehouse/fraud/device/data/00001-0.parquet"), "PAR1 late PAR1");

        StandaloneUpgrader.Outcome back = upgrader(step -> {}).rollback();

        assertThat(back.ran()).containsExactlyElementsOf(StandaloneUpgrader.ROLLBACK_STEPS);
        assertThat(current()).isEqualTo(InstallVersion.of("0.1.0"));
        assertThat(appliance.runningVersion()).contains("0.1.0");
        assertOriginalData();
        assertThat(tableExists("branches")).isFalse();
        assertThat(rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'deployments'"
                        + " ORDER BY column_name"))
                .containsExactly("id", "project");
        assertThat(redis("EXISTS", "slate:late")).isEqualTo(0L);
        assertThat(layout.offline().resolve("warehouse/fraud/device/data/00001-0.parquet"))
                .doesNotExist();
        assertThat(StandaloneUpgrader.record(layout).orElseThrow().state())
                .isEqualTo(StandaloneUpgrader.UpgradeRecord.State.ROLLED_BACK);
        assertThatThrownBy(() -> upgrader(step -> {}).rollback()).hasMessageContaining("nothing to roll back");
    }

    @Test
    void anUpgradeWhoseMigrationFailsRestoresTheDataAndLeavesTheOldVersionRunning() throws Exception {
        installedWithData();
        TreeMap<String, String> broken = v2();
        broken.put("V3__broken.sql", "ALTER TABLE no_such_table ADD COLUMN x int;");

        assertThatThrownBy(() -> upgrader(step -> {}).upgrade(checkout("0.2.0", broken)))
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("upgrade step 'start-new-version' failed: migration V3__broken.sql failed")
                .hasMessageContaining("The backup was restored and 0.1.0 runs again");

        assertThat(current()).isEqualTo(InstallVersion.of("0.1.0"));
        assertThat(appliance.runningVersion()).contains("0.1.0");
        assertThat(appliance.starts()).containsExactly("0.1.0", "0.2.0", "0.1.0");
        assertOriginalData();
        assertThat(tableExists("branches"))
                .as("V2 ran before V3 failed; the restore removed it")
                .isFalse();
        assertThat(rows("SELECT version FROM fake_schema_history ORDER BY version"))
                .containsExactly("V1__deployments.sql");
        assertThat(layout.version(InstallVersion.of("0.2.0"))).doesNotExist();
        assertThat(StandaloneUpgrader.record(layout).orElseThrow().state())
                .isEqualTo(StandaloneUpgrader.UpgradeRecord.State.RESTORED);

        // a fixed build upgrades afterwards
        upgrader(step -> {}).upgrade(checkout("0.2.1", v2()));
        assertThat(current()).isEqualTo(InstallVersion.of("0.2.1"));
        assertOriginalData();
    }

    @Test
    void anInterruptedUpgradeResumesWhereItStopped() throws Exception {
        installedWithData();
        InstallSource next = checkout("0.2.0", v2());

        assertThatThrownBy(() -> upgrader(step -> {
                            if (step.equals("switch-version")) {
                                throw new SimulatedKill(step);
                            }
                        })
                        .upgrade(next))
                .isInstanceOf(SimulatedKill.class);
        assertThat(appliance.runningVersion()).isEmpty();
        assertThat(current()).isEqualTo(InstallVersion.of("0.1.0"));
        assertThat(StandaloneUpgrader.record(layout).orElseThrow().state())
                .isEqualTo(StandaloneUpgrader.UpgradeRecord.State.UPGRADING);
        // another source is refused while this upgrade is unfinished
        assertThatThrownBy(() -> upgrader(step -> {}).upgrade(checkout("0.3.0", v2())))
                .hasMessageContaining("an upgrade from 0.1.0 to 0.2.0 is under way");

        StandaloneUpgrader.Outcome resumed = upgrader(step -> {}).upgrade(next);

        assertThat(resumed.skipped())
                .containsExactly(
                        "backup-online-store", "stop-services", "backup-metadata", "backup-home", "install-version");
        assertThat(resumed.ran())
                .containsExactly("switch-version", "start-new-version", "restore-online-store", "finish");
        assertThat(output).contains("Resuming the upgrade from 0.1.0 to 0.2.0");
        assertThat(current()).isEqualTo(InstallVersion.of("0.2.0"));
        assertThat(appliance.runningVersion()).contains("0.2.0");
        assertOriginalData();

        upgrader(step -> {}).rollback();
        assertOriginalData();
        assertThat(tableExists("branches")).isFalse();
    }

    @Test
    void anInterruptedRollbackResumes() throws Exception {
        installedWithData();
        upgrader(step -> {}).upgrade(checkout("0.2.0", v2()));
        sql("INSERT INTO deployments VALUES (3, 'late')");

        assertThatThrownBy(() -> upgrader(step -> {
                            if (step.equals("restore-home")) {
                                throw new SimulatedKill(step);
                            }
                        })
                        .rollback())
                .isInstanceOf(SimulatedKill.class);
        StandaloneUpgrader.Outcome resumed = upgrader(step -> {}).rollback();

        assertThat(resumed.skipped()).containsExactly("stop-services", "restore-metadata");
        assertThat(current()).isEqualTo(InstallVersion.of("0.1.0"));
        assertOriginalData();
    }

    /** Every file under the prefix with its size and modification time, and every directory's name. */
    private List<String> snapshot() throws IOException {
        try (Stream<Path> files = Files.walk(layout.prefix())) {
            return files.map(p -> {
                        try {
                            if (Files.isDirectory(p)) {
                                return layout.prefix().relativize(p) + "/";
                            }
                            return layout.prefix().relativize(p) + " " + Files.size(p) + " "
                                    + Files.getLastModifiedTime(p).toMillis();
                        } catch (IOException e) {
                            return p + " ?";
                        }
                    })
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aSameOlderTamperedOrTruncatedSourceIsRefusedAndChangesNothing() throws Exception {
        installedWithData();
        List<String> before = snapshot();
        List<String> beforeRows = rows("SELECT * FROM deployments ORDER BY id");

        assertThatThrownBy(() -> upgrader(step -> {}).upgrade(checkout("0.1.0", v2())))
                .hasMessageContaining("is version 0.1.0, not newer than the installed 0.1.0 (nothing was changed)");
        assertThatThrownBy(() -> upgrader(step -> {}).upgrade(checkout("0.0.9", v1())))
                .hasMessageContaining("is version 0.0.9, not newer than the installed 0.1.0");
        InstallSource incomplete = checkout("0.3.0", v2());
        StandaloneInstaller.deleteTree(dir.resolve("repo-0.3.0/appliance/target"));
        assertThatThrownBy(() -> upgrader(step -> {}).upgrade(incomplete))
                .hasMessageContaining("missing the packaged appliance");

        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path content = dir.resolve("bundle-content");
        write(content.resolve("cli/slate-installer-0.2.0.jar"), "cli");
        write(content.resolve("appliance/quarkus-app/quarkus-run.jar"), "appliance ".repeat(2000));
        Path tar = dir.resolve("slate-bundle-0.2.0.tar");
        BundleWriter.pack(
                content,
                "0.2.0",
                "0123456789abcdef0123456789abcdef01234567",
                Instant.parse("2026-12-06T12:00:00Z"),
                keys.getPrivate(),
                tar);
        Optional<String> key =
                Optional.of(Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
        Path tampered = dir.resolve("tampered.tar");
        Files.copy(tar, tampered);
        byte[] bytes = Files.readAllBytes(tampered);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("appliance appliance") + 7;
        try (RandomAccessFile file = new RandomAccessFile(tampered.toFile(), "rw")) {
            file.seek(at);
            file.write('X');
        }
        Path truncated = dir.resolve("truncated.tar");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        for (Path bad : List.of(tampered, truncated)) {
            assertThatThrownBy(
                            () -> BundleIntake.of(false, key, Optional.empty()).unpack(bad, layout, output::add))
                    .isInstanceOf(InstallException.class)
                    .hasMessageContaining("refused");
        }

        assertThat(snapshot()).isEqualTo(before);
        assertThat(rows("SELECT * FROM deployments ORDER BY id")).isEqualTo(beforeRows);
        assertThat(appliance.runningVersion()).contains("0.1.0");
        assertThat(appliance.starts()).containsExactly("0.1.0");
        assertThat(StandaloneUpgrader.record(layout)).isEmpty();
    }

    @Test
    void theExternalDatabasesAreWrittenToTheConfigAndCheckedByThePreflight() throws Exception {
        installedWithData();
        var env = InstallFiles.readEnv(layout.envFile());
        assertThat(env)
                .containsEntry("SLATE_EMBEDDED", "false")
                .containsEntry("SLATE_DB_HOST", postgres.host())
                .containsEntry("SLATE_DB_NAME", postgres.database())
                .containsEntry("SLATE_REDIS_URL", redis.url(Optional.empty()));
        assertThat(ExternalDatabases.installed(layout).orElseThrow().postgres()).isEqualTo(postgres);
        assertThat(output).noneMatch(l -> l.toLowerCase(Locale.ROOT).contains("password="));

        Path password = write(dir.resolve("pg-password"), "s3cret-pw\n");
        List<PreflightCheck> checks = new ExternalDatabases(
                        new PostgresTarget("127.0.0.1", 1, "slate", "slate"),
                        Optional.of(password),
                        new RedisTarget("127.0.0.1", 1, 0),
                        Optional.empty())
                .preflight();
        assertThat(checks)
                .filteredOn(c -> c.status() == PreflightCheck.Status.FAIL)
                .extracting(PreflightCheck::name)
                .containsExactly("postgres", "redis");
        assertThat(checks).noneMatch(c -> c.detail().contains("s3cret-pw"));
        assertThat(new ExternalDatabases(postgres, Optional.empty(), redis, Optional.empty()).preflight())
                .allMatch(c -> c.status() != PreflightCheck.Status.FAIL);
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://slate:pw@db:5432/slate"))
                .hasMessageContaining("must not hold a password");
        assertThatThrownBy(() -> RedisTarget.parse("redis://:pw@cache:6379/0"))
                .hasMessageContaining("must not hold a user or password");
    }

    @Test
    void passwordsGoToModeSixHundredFilesOnly() throws Exception {
        Path pgPassword = write(dir.resolve("pg-password"), "pg=p@ss:word\n");
        Path redisPassword = write(dir.resolve("redis-password"), "r3dis\n");
        InstallSettings settings = new InstallSettings(
                8080,
                18080,
                JAVA,
                false,
                Optional.of(new ExternalDatabases(
                        new PostgresTarget("db.internal", 5433, "slate", "slate"),
                        Optional.of(pgPassword),
                        new RedisTarget("cache.internal", 6380, 2),
                        Optional.of(redisPassword))));

        assertThat(InstallFiles.envFile(layout, settings))
                .doesNotContain("p@ss")
                .doesNotContain("r3dis")
                .doesNotContain("SLATE_REDIS_URL")
                .contains("QUARKUS_CONFIG_LOCATIONS=" + layout.secretsFile().toUri());
        assertThat(InstallFiles.secretsFile(settings).orElseThrow())
                .contains("slate.db.password=pg\\=p@ss\\:word\n")
                .contains("slate.redis.url=redis\\://\\:r3dis@cache.internal\\:6380/2\n");
    }

    @Test
    void withTheEmbeddedServersTheDataDirectoryIsCopiedAndTheOnlineStoreReloaded() throws Exception {
        EmbeddedFakeAppliance embedded =
                new EmbeddedFakeAppliance(layout, Path.of(System.getProperty("java.io.tmpdir"), "slate-test-postgres"));
        try {
            install(new InstallSettings(8080, 18080, JAVA, false));
            embedded.start();
            postgres = embedded.postgres();
            sql("INSERT INTO deployments VALUES (1, 'fraud')");
            redis = embedded.embeddedRedis().orElseThrow();
            redis("HSET", "slate:fraud:device:7", "score", "0.25");

            new StandaloneUpgrader(layout, embedded, output::add, step -> {}).upgrade(checkout("0.2.0", v2()));

            assertThat(Path.of(StandaloneUpgrader.record(layout).orElseThrow().backup())
                            .resolve("pg/PG_VERSION"))
                    .isRegularFile();
            postgres = embedded.postgres();
            redis = embedded.embeddedRedis().orElseThrow();
            assertThat(rows("SELECT id, project, branch FROM deployments")).containsExactly("1|fraud|main");
            assertThat(redis("HGET", "slate:fraud:device:7", "score"))
                    .as("the embedded Redis keeps nothing on disk: the upgrade reloads it")
                    .isEqualTo("0.25");
            sql("INSERT INTO deployments VALUES (2, 'late')");

            new StandaloneUpgrader(layout, embedded, output::add, step -> {}).rollback();

            postgres = embedded.postgres();
            redis = embedded.embeddedRedis().orElseThrow();
            assertThat(rows("SELECT id, project FROM deployments")).containsExactly("1|fraud");
            assertThat(tableExists("branches")).isFalse();
            assertThat(redis("HGET", "slate:fraud:device:7", "score")).isEqualTo("0.25");
            assertThat(embedded.starts()).containsExactly("0.1.0", "0.2.0", "0.1.0");
        } finally {
            embedded.stop();
        }
    }

    @Test
    void uninstallKeepsTheDataUnlessAskedAndAReinstallUsesIt() throws Exception {
        installedWithData();

        new StandaloneUninstaller(layout, appliance, FakeHost.good(), output::add).uninstall(false);

        assertThat(appliance.runningVersion()).isEmpty();
        for (Path gone :
                List.of(layout.versions(), layout.current(), layout.bin(), layout.systemdDir(), layout.journal())) {
            assertThat(gone).doesNotExist();
        }
        assertThat(layout.envFile()).exists();
        assertThat(Files.readString(layout.home().resolve("secrets.key"))).isEqualTo("key-of-0.1.0");

        install(new InstallSettings(8080, 18080, JAVA, false));
        assertThat(InstallFiles.readEnv(layout.envFile()))
                .as("the kept settings are used again")
                .containsEntry("SLATE_EMBEDDED", "false");
        appliance.start();
        assertOriginalData();

        new StandaloneUninstaller(layout, appliance, FakeHost.good(), output::add).uninstall(true);
        assertThat(layout.prefix()).doesNotExist();
        assertThatThrownBy(() ->
                        new StandaloneUninstaller(layout, appliance, FakeHost.good(), output::add).uninstall(false))
                .hasMessageContaining("no standalone install at");
    }

    @Test
    void versionsOrderAsReleasesDo() {
        assertThat(InstallVersion.of("0.2.0")).isGreaterThan(InstallVersion.of("0.1.0"));
        assertThat(InstallVersion.of("0.10.0")).isGreaterThan(InstallVersion.of("0.9.1"));
        assertThat(InstallVersion.of("0.2.0")).isGreaterThan(InstallVersion.of("0.2.0-SNAPSHOT"));
        assertThat(InstallVersion.of("0.2.0-SNAPSHOT")).isGreaterThan(InstallVersion.of("0.1.9"));
        assertThat(InstallVersion.of("1.0")).isEqualByComparingTo(InstallVersion.of("1.0.0"));
        assertThatThrownBy(() -> InstallVersion.of("../etc")).hasMessageContaining("not a Slate version");
    }
}
