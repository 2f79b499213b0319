package dev.slate.appliance.embedded;

import static java.util.Objects.requireNonNull;

import dev.slate.appliance.config.SlateHome;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the standalone appliance needs to know before Quarkus boots, read from system properties
 * ({@code -Dslate.embedded=true}) or the matching environment variables ({@code SLATE_EMBEDDED=true}).
 *
 * @param embedded start an embedded PostgreSQL and Redis ({@code slate.embedded}, default false)
 * @param demo seed and deploy the example project ({@code slate.demo}, default false)
 * @param home where the embedded services keep their data ({@code slate.home}, default {@code ~/.slate})
 * @param postgresPort preferred PostgreSQL port ({@code slate.embedded.pg-port}, default 15432)
 * @param redisPort preferred Redis port ({@code slate.embedded.redis-port}, default 16379)
 */
public record EmbeddedSettings(boolean embedded, boolean demo, Path home, int postgresPort, int redisPort) {
    public static final int DEFAULT_POSTGRES_PORT = 15432;
    public static final int DEFAULT_REDIS_PORT = 16379;

    public EmbeddedSettings {
        requireNonNull(home, "home is null");
        checkPort("slate.embedded.pg-port", postgresPort);
        checkPort("slate.embedded.redis-port", redisPort);
    }

    /** Reads the JVM's system properties and environment. */
    public static EmbeddedSettings fromSystem() {
        return from(System::getProperty, System::getenv, Path.of(System.getProperty("user.home")));
    }

    /**
     * @param properties system properties by name ({@code slate.home})
     * @param environment environment variables by name ({@code SLATE_HOME})
     * @throws IllegalArgumentException when a port is not a number in 1..65535
     */
    public static EmbeddedSettings from(
            Function<String, String> properties, Function<String, String> environment, Path userHome) {
        Function<String, String> lookup = name -> {
            String value = properties.apply(name);
            if (value == null || value.isBlank()) {
                value = environment.apply(envName(name));
            }
            return value == null || value.isBlank() ? null : value.strip();
        };
        String home = lookup.apply("slate.home");
        return new EmbeddedSettings(
                Boolean.parseBoolean(lookup.apply("slate.embedded")),
                Boolean.parseBoolean(lookup.apply("slate.demo")),
                SlateHome.resolve(Optional.ofNullable(home), userHome),
                port(lookup, "slate.embedded.pg-port", DEFAULT_POSTGRES_PORT),
                port(lookup, "slate.embedded.redis-port", DEFAULT_REDIS_PORT));
    }

    /** {@code slate.embedded.pg-port} → {@code SLATE_EMBEDDED_PG_PORT} (the MicroProfile Config rule). */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static int port(Function<String, String> lookup, String name, int fallback) {
        String value = lookup.apply(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'");
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535, got " + port);
        }
    }
}
