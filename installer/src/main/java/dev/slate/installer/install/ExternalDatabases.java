package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The external PostgreSQL and Redis of a standalone install ({@code --postgres-url}, {@code --redis-url}), used
 * instead of the embedded servers. Passwords are only ever read from files (never a command line, a log or the
 * journal): the install copies them to {@code etc/secrets/} (mode 0600) and the appliance reads them from
 * {@code etc/secrets.properties}.
 */
public record ExternalDatabases(
        PostgresTarget postgres,
        Optional<Path> postgresPasswordFile,
        RedisTarget redis,
        Optional<Path> redisPasswordFile) {
    public ExternalDatabases {
        requireNonNull(postgres, "postgres is null");
        requireNonNull(postgresPasswordFile, "postgresPasswordFile is null");
        requireNonNull(redis, "redis is null");
        requireNonNull(redisPasswordFile, "redisPasswordFile is null");
    }

    public Optional<String> postgresPassword() {
        return postgresPasswordFile.map(ExternalDatabases::readPassword);
    }

    public Optional<String> redisPassword() {
        return redisPasswordFile.map(ExternalDatabases::readPassword);
    }

    static String readPassword(Path file) {
        try {
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty() || password.contains("\n")) {
                throw new InstallException("the password file " + file + " must hold one non-empty line");
            }
            return password;
        } catch (IOException e) {
            throw new InstallException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The oldest Redis the online store runs on. */
    static final int MIN_REDIS_MAJOR = 6;

    /**
     * The preflight of the external databases: PostgreSQL answers, is {@value PostgresTool#MIN_MAJOR}+ and lets the
     * user create tables; a {@code pg_dump} fit for it is on the host (a warning: only upgrades need it); Redis
     * answers (with the password, when one is given) and is {@value #MIN_REDIS_MAJOR}+.
     */
    public List<PreflightCheck> preflight() {
        List<PreflightCheck> checks = new ArrayList<>();
        PostgresTool postgresTool = new PostgresTool(postgres, postgresPassword());
        Optional<String> problem = postgresTool.problem();
        if (problem.isPresent()) {
            checks.add(PreflightCheck.fail("postgres", problem.get()));
        } else {
            try {
                int major = postgresTool.serverMajor();
                checks.add(PreflightCheck.ok("postgres", "PostgreSQL " + major + " at " + postgres.url()));
                checks.add(PostgresTool.toolsFor(major)
                        .map(bin -> PreflightCheck.ok("pg_dump", bin.resolve("pg_dump") + " (for upgrade backups)"))
                        .orElseGet(() -> PreflightCheck.warn(
                                "pg_dump",
                                "no pg_dump for PostgreSQL " + major + "+ on this host: slate upgrade will refuse"
                                        + " until one is installed (postgresql-client-" + major + ")")));
            } catch (SQLException e) {
                checks.add(
                        PreflightCheck.fail("postgres", "cannot connect to " + postgres.url() + ": " + e.getMessage()));
            }
        }
        try (RedisWire wire = RedisWire.connect(redis, redisPassword())) {
            wire.call("PING");
            String version = wire.serverVersion();
            int major = Integer.parseInt(version.split("\\.")[0]);
            checks.add(
                    major < MIN_REDIS_MAJOR
                            ? PreflightCheck.fail(
                                    "redis", "Redis " + version + " is too old; Slate needs " + MIN_REDIS_MAJOR + "+")
                            : PreflightCheck.ok("redis", "Redis " + version + " at " + redis.url(Optional.empty())));
        } catch (IOException | RuntimeException e) {
            checks.add(
                    PreflightCheck.fail("redis", "cannot use " + redis.url(Optional.empty()) + ": " + e.getMessage()));
        }
        return checks;
    }

    /** Where the install keeps its copy of a password. */
    static Path installedPasswordFile(InstallLayout layout, String name) {
        return layout.etc().resolve("secrets").resolve(name);
    }

    /** The external databases an install was configured with ({@code etc/slate.env}), or empty for embedded ones. */
    public static Optional<ExternalDatabases> installed(InstallLayout layout) {
        Map<String, String> env = InstallFiles.readEnv(layout.envFile());
        if (!"false".equals(env.get("SLATE_EMBEDDED"))) {
            return Optional.empty();
        }
        Path pgPassword = installedPasswordFile(layout, "postgres-password");
        Path redisPassword = installedPasswordFile(layout, "redis-password");
        return Optional.of(new ExternalDatabases(
                new PostgresTarget(
                        env.get("SLATE_DB_HOST"),
                        Integer.parseInt(env.get("SLATE_DB_PORT")),
                        env.get("SLATE_DB_NAME"),
                        env.get("SLATE_DB_USERNAME")),
                Files.isRegularFile(pgPassword) ? Optional.of(pgPassword) : Optional.empty(),
                RedisTarget.parse(env.get("SLATE_INSTALL_REDIS")),
                Files.isRegularFile(redisPassword) ? Optional.of(redisPassword) : Optional.empty()));
    }
}
