package dev.slate.storage.testservers;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where a test's PostgreSQL is ({@link TestServers#postgres()}): a loopback or configured server, a database and a
 * login without password.
 */
public record TestPostgres(String host, int port, String database, String user) {

    static TestPostgres parse(String jdbcUrl, String user) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new TestPostgres(
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                path.isEmpty() ? TestServers.DATABASE : path,
                user);
    }

    /** {@code jdbc:postgresql://host:port/database}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code postgresql://host:port/database}: a source URL of a Slate project, and the Vert.x client's form. */
    public String url() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** A new connection as {@link #user()}. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, "");
    }
}
