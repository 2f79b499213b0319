package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * An external PostgreSQL for the metadata ({@code --postgres-url postgresql://USER@HOST:PORT/DATABASE}, the
 * {@code jdbc:} prefix allowed). The password never sits in the URL: it comes from a file
 * ({@code --postgres-password-file}).
 */
public record PostgresTarget(String host, int port, String database, String user) {
    public PostgresTarget {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(user, "user is null");
        if (port < 1 || port > 65535) {
            throw new InstallException("PostgreSQL port must be 1..65535, got " + port);
        }
    }

    /**
     * @throws InstallException for anything but {@code postgresql://USER@HOST[:PORT]/DATABASE}, and for a URL that holds
     *     a password
     */
    public static PostgresTarget parse(String url) {
        String text = url.strip();
        if (text.startsWith("jdbc:")) {
            text = text.substring("jdbc:".length());
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new InstallException("--postgres-url is not a URL: " + e.getMessage(), e);
        }
        if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new InstallException("--postgres-url must look like postgresql://USER@HOST:PORT/DATABASE");
        }
        String userInfo = Optional.ofNullable(uri.getUserInfo()).orElse("");
        if (userInfo.contains(":") || (uri.getQuery() != null && uri.getQuery().contains("password"))) {
            throw new InstallException(
                    "--postgres-url must not hold a password; give it with --postgres-password-file");
        }
        if (userInfo.isEmpty()) {
            throw new InstallException("--postgres-url must name the user: postgresql://USER@HOST:PORT/DATABASE");
        }
        String database = Optional.ofNullable(uri.getPath()).orElse("").replaceFirst("^/", "");
        if (database.isEmpty()) {
            throw new InstallException("--postgres-url must name the database: postgresql://USER@HOST:PORT/DATABASE");
        }
        return new PostgresTarget(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, userInfo);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code postgresql://USER@HOST:PORT/DATABASE}: for messages, the journal and pg_dump's {@code -d}. */
    public String url() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
