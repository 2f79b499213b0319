package dev.slate.installer.install;

import dev.slate.storage.embedded.EmbeddedPostgresServer;
import dev.slate.storage.embedded.EmbeddedRedisServer;
import dev.slate.storage.embedded.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The services of a standalone install with the embedded servers, as the appliance runs them: a real PostgreSQL on
 * the data directory {@code var/home/pg} and a real Redis that keeps nothing on disk (both from
 * {@code storage/embedded}), the Redis port written to the appliance's log as the appliance logs it; starting runs
 * the version's migrations ({@link FakeAppliance#migrate}); stopping stops both servers.
 */
final class EmbeddedFakeAppliance implements InstalledServices {
    private final InstallLayout layout;
    private final Path binaries;
    private final List<String> starts = new ArrayList<>();
    private EmbeddedPostgresServer postgres;
    private EmbeddedRedisServer redis;

    EmbeddedFakeAppliance(InstallLayout layout, Path binaries) {
        this.layout = layout;
        this.binaries = binaries;
    }

    List<String> starts() {
        return List.copyOf(starts);
    }

    /** The metadata database while running. */
    PostgresTarget postgres() {
        return new PostgresTarget("127.0.0.1", postgres.port(), EmbeddedPostgresServer.DATABASE, "postgres");
    }

    @Override
    public boolean running() {
        return postgres != null;
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    @Override
    public void start() {
        if (running()) {
            return;
        }
        starts.add(StandaloneUpgrader.currentVersion(layout).text());
        postgres = EmbeddedPostgresServer.start(
                layout.postgresData(), binaries, layout.logs().resolve("postgres.log"), Ports.anyFree());
        redis = EmbeddedRedisServer.start(layout.home().resolve("redis"), Ports.anyFree());
        try {
            Files.createDirectories(layout.logs());
            Files.writeString(
                    layout.logs().resolve("appliance.log"),
                    "INFO Embedded Redis listening on " + redis.url() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            FakeAppliance.migrate(layout, postgres());
        } catch (InstallException e) {
            stop();
            throw e;
        }
    }

    @Override
    public Optional<RedisTarget> embeddedRedis() {
        return running() ? InstalledServices.embeddedRedisOf(layout.logs().resolve("appliance.log")) : Optional.empty();
    }
}
