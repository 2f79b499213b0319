package dev.slate.installer.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The text files a standalone install writes: the launcher, {@code etc/slate.env} and the systemd units. */
public final class InstallFiles {
    public static final String APPLIANCE_UNIT = "slate-appliance.service";
    public static final String KEYCLOAK_UNIT = "slate-keycloak.service";

    private InstallFiles() {}

    /** {@code bin/slate}: the CLI with the install's JRE when it has one. */
    static String launcher(InstallLayout layout, Path fallbackJava) {
        return """
                #!/bin/sh
                # Slate CLI of the standalone install at %1$s (written by slate install --standalone).
                SLATE_PREFIX='%1$s'
                export SLATE_PREFIX
                if [ -x "$SLATE_PREFIX/current/jre/bin/java" ]; then JAVA="$SLATE_PREFIX/current/jre/bin/java"; else JAVA='%2$s'; fi
                exec "$JAVA" -cp "$SLATE_PREFIX/current/lib/cli/*:$SLATE_PREFIX/current/lib/cli/lib/*" dev.slate.installer.SlateCli "$@"
                """.formatted(layout.prefix(), fallbackJava);
    }

    /** The settings, as {@code KEY=value} lines for {@code slate start} and systemd's {@code EnvironmentFile=}. */
    static Map<String, String> environment(InstallLayout layout, InstallSettings settings) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLATE_PREFIX", layout.prefix().toString());
        env.put("SLATE_HOME", layout.home().toString());
        settings.external()
                .ifPresentOrElse(
                        external -> {
                            env.put("SLATE_EMBEDDED", "false");
                            env.put("SLATE_DB_HOST", external.postgres().host());
                            env.put(
                                    "SLATE_DB_PORT",
                                    Integer.toString(external.postgres().port()));
                            env.put("SLATE_DB_NAME", external.postgres().database());
                            env.put("SLATE_DB_USERNAME", external.postgres().user());
                            // the Redis the installer backs up (never with a password; the appliance's URL, with
                            // one, is in etc/secrets.properties when there is a password)
                            env.put("SLATE_INSTALL_REDIS", external.redis().url(Optional.empty()));
                            if (external.redisPasswordFile().isEmpty()) {
                                env.put("SLATE_REDIS_URL", external.redis().url(Optional.empty()));
                            }
                            if (external.postgresPasswordFile().isPresent()
                                    || external.redisPasswordFile().isPresent()) {
                                env.put(
                                        "QUARKUS_CONFIG_LOCATIONS",
                                        layout.secretsFile().toUri().toString());
                            }
                        },
                        () -> env.put("SLATE_EMBEDDED", "true"));
        env.put("SLATE_DEMO", Boolean.toString(settings.demo()));
        env.put("SLATE_HTTP_PORT", Integer.toString(settings.httpPort()));
        env.put("SLATE_AUTH_PORT", Integer.toString(settings.authPort()));
        env.put("SLATE_AUTH_ISSUER", settings.issuer());
        env.put("SLATE_JAVA", settings.java().toString());
        return env;
    }

    static String envFile(InstallLayout layout, InstallSettings settings) {
        StringBuilder text = new StringBuilder("""
                # Slate standalone settings, read by `slate start` and the systemd units (EnvironmentFile=).
                # Edit and restart Slate to apply; a re-run of slate install keeps this file.
                """);
        environment(layout, settings)
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    /**
     * {@code etc/secrets.properties} for the appliance (read through {@code QUARKUS_CONFIG_LOCATIONS}): the external
     * databases' passwords, which are never put in {@code etc/slate.env}, a command line or a log.
     */
    static Optional<String> secretsFile(InstallSettings settings) {
        Optional<ExternalDatabases> external = settings.external();
        if (external.isEmpty()
                || (external.get().postgresPasswordFile().isEmpty()
                        && external.get().redisPasswordFile().isEmpty())) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("# Passwords of the external databases (slate install --standalone)\n");
        external.get()
                .postgresPassword()
                .ifPresent(
                        p -> text.append("slate.db.password=").append(escape(p)).append('\n'));
        external.get()
                .redisPassword()
                .ifPresent(p -> text.append("slate.redis.url=")
                        .append(escape(external.get().redis().url(Optional.of(p))))
                        .append('\n'));
        return Optional.of(text.toString());
    }

    /** A value in a properties file: backslashes doubled and the characters with a meaning escaped. */
    private static String escape(String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\', '=', ':', '#', '!' -> escaped.append('\\').append(c);
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String keycloakUnit(InstallLayout layout) {
        return """
                [Unit]
                Description=Slate Keycloak (realm slate) on 127.0.0.1
                After=network.target

                [Service]
                Type=forking
                EnvironmentFile=%1$s
                ExecStart=%2$s start --prefix %3$s --only keycloak
                ExecStop=%2$s stop --prefix %3$s --only keycloak
                PIDFile=%4$s
                TimeoutStartSec=600
                TimeoutStopSec=60
                Restart=on-failure
                RestartSec=5

                [Install]
                WantedBy=multi-user.target
                """.formatted(
                        layout.envFile(),
                        layout.launcher(),
                        layout.prefix(),
                        layout.run().resolve("keycloak.pid"));
    }

    static String applianceUnit(InstallLayout layout, InstallSettings settings) {
        return String.format(
                Locale.ROOT,
                """
                [Unit]
                Description=Slate appliance on 127.0.0.1:%5$d
                Requires=%6$s
                After=network.target %6$s

                [Service]
                Type=simple
                EnvironmentFile=%1$s
                WorkingDirectory=%2$s
                ExecStart=%3$s --enable-native-access=ALL-UNNAMED -jar %4$s
                # SIGTERM to the JVM only: it stops Redis, then PostgreSQL, itself
                KillMode=mixed
                TimeoutStopSec=90
                Restart=on-failure
                RestartSec=5

                [Install]
                WantedBy=multi-user.target
                """,
                layout.envFile(),
                layout.home(),
                layout.java(settings.java()),
                layout.applianceJar(),
                settings.httpPort(),
                KEYCLOAK_UNIT);
    }

    /** Reads {@code etc/slate.env} ({@code KEY=value}, {@code #} comments). */
    public static Map<String, String> readEnv(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq < 1) {
                    continue;
                }
                env.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return env;
    }
}
