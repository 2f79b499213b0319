package dev.slate.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server (the binary bundled in {@code com.github.codemonstur:embedded-redis}) bound to
 * 127.0.0.1, with no persistence: the online store is a cache that Slate refills.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
    private final RedisServer redis;
    private final int port;

    private EmbeddedRedisServer(RedisServer redis, int port) {
        this.redis = redis;
        this.port = port;
    }

    /**
     * Starts redis-server on {@code port}; its binary and working files live in {@code directory}.
     *
     * @throws IllegalStateException when it does not start
     */
    public static EmbeddedRedisServer start(Path directory, int port) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        try {
            RedisServer redis = RedisServer.newRedisServer()
                    .executableProvider(ExecutableProvider.newJarResourceProvider(directory.toFile()))
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir \"" + directory.toAbsolutePath() + "\"")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("protected-mode yes")
                    .build();
            redis.start();
            return new EmbeddedRedisServer(redis, port);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the embedded Redis did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        try {
            if (redis.isActive()) {
                redis.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded Redis", e);
        }
    }
}
