package dev.slate.installer.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The services of a standalone install, as the upgrade tests need them: starting runs the schema migrations of the
 * version {@code current} points at (the {@code migrations/*.sql} of its payload, each in a transaction, recorded in
 * {@code fake_schema_history} as Flyway records its own) against a real PostgreSQL; a failed migration fails the
 * start, as the appliance exits before it is ready.
 */
final class FakeAppliance implements InstalledServices {
    private final InstallLayout layout;
    private final PostgresTarget postgres;
    private final List<String> starts = new ArrayList<>();
    private Optional<String> running = Optional.empty();

    FakeAppliance(InstallLayout layout, PostgresTarget postgres) {
        this.layout = layout;
        this.postgres = postgres;
    }

    Optional<String> runningVersion() {
        return running;
    }

    List<String> starts() {
        return List.copyOf(starts);
    }

    @Override
    public boolean running() {
        return running.isPresent();
    }

    @Override
    public void stop() {
        running = Optional.empty();
    }

    @Override
    public void start() {
        if (running.isPresent()) {
            return;
        }
        String version = StandaloneUpgrader.currentVersion(layout).text();
        starts.add(version);
        migrate(layout, postgres);
        running = Optional.of(version);
    }

    /** Runs the migrations of the version {@code current} points at that {@code fake_schema_history} does not list. */
    static void migrate(InstallLayout layout, PostgresTarget postgres) {
        Path migrations = layout.applianceDir().resolve("migrations");
        try (Connection c = new PostgresTool(postgres, Optional.empty()).connect();
                Stream<Path> files = Files.list(migrations)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS fake_schema_history (version text PRIMARY KEY)");
            }
            c.setAutoCommit(false);
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                try (PreparedStatement applied =
                        c.prepareStatement("INSERT INTO fake_schema_history VALUES (?) ON CONFLICT DO NOTHING")) {
                    applied.setString(1, name);
                    if (applied.executeUpdate() == 0) {
                        c.rollback();
                        continue;
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute(Files.readString(file, StandardCharsets.UTF_8));
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw new InstallException("migration " + name + " failed: " + e.getMessage()
                            + " (the appliance exited before it was ready)");
                }
            }
        } catch (SQLException | IOException e) {
            throw new InstallException("the appliance did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RedisTarget> embeddedRedis() {
        return Optional.empty();
    }
}
