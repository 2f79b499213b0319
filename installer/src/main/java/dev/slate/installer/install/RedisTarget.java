package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A Redis server the installer reaches: an external one ({@code --redis-url redis://HOST:PORT[/DB]}) or the embedded
 * one of an install. A password never sits in the URL: it comes from a file ({@code --redis-password-file}).
 */
public record RedisTarget(String host, int port, int database) {
    public RedisTarget {
        requireNonNull(host, "host is null");
        if (port < 1 || port > 65535) {
            throw new InstallException("Redis port must be 1..65535, got " + port);
        }
        if (database < 0 || database > 15) {
            throw new InstallException("Redis database must be 0..15, got " + database);
        }
    }

    /**
     * @throws InstallException for anything but {@code redis://HOST[:PORT][/DB]}, and for a URL that holds a password
     */
    public static RedisTarget parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new InstallException("--redis-url is not a URL: " + e.getMessage(), e);
        }
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new InstallException("--redis-url must look like redis://HOST:PORT[/DB]");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InstallException(
                    "--redis-url must not hold a user or password; give the password with" + " --redis-password-file");
        }
        String path = Optional.ofNullable(uri.getPath()).orElse("").replaceFirst("^/", "");
        int database;
        try {
            database = path.isEmpty() ? 0 : Integer.parseInt(path);
        } catch (NumberFormatException e) {
            throw new InstallException("--redis-url: the path must be a database number, got '" + path + "'", e);
        }
        return new RedisTarget(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), database);
    }

    /** {@code redis://HOST:PORT/DB}, with {@code :PASSWORD@} when given (for the appliance's secrets file only). */
    public String url(Optional<String> password) {
        String auth = password.map(p -> ":" + URLEncoder.encode(p, StandardCharsets.UTF_8) + "@")
                .orElse("");
        return "redis://" + auth + host + ":" + port + "/" + database;
    }
}
