package dev.slate.appliance.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The metadata database, prefix {@code slate.db}: the one owner of these settings (the datasources in
 * application.properties, the offline store's catalog and the demo seeder all read them from here or by
 * reference). The embedded services set them before Quarkus boots.
 */
@ConfigMapping(prefix = "slate.db")
public interface DatabaseConfig {

    String host();

    int port();

    /** The database name. */
    String name();

    String username();

    /** Empty when the server trusts the connection. */
    Optional<String> password();

    /** The JDBC URL of the database. */
    default String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + name();
    }
}
