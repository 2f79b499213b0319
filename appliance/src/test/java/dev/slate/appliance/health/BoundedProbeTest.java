package dev.slate.appliance.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.slate.storage.redis.RedisOnlineStore;
import dev.slate.storage.redis.RedisOnlineStoreConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedProbe} with the real PostgreSQL and Redis clients against a local server that
 * accepts connections and never answers (a frozen dependency): the probe reports DOWN with its
 * bound, and repeated probes share one outstanding call. The 10 s guard only stops a hang.
 */
class BoundedProbeTest {
    private static final Duration GUARD = Duration.ofSeconds(10);

    private Vertx vertx;
    private SilentServer silent;

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        silent = new SilentServer();
    }

    @AfterEach
    void stop() throws IOException {
        silent.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aSilentPostgresIsReportedDownWithinTheBound() {
        Pool pool = Pool.pool(
                vertx,
                new PgConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(silent.port())
                        .setDatabase("slate")
                        .setUser("slate"),
                new PoolOptions().setMaxSize(1));
        BoundedProbe probe = new BoundedProbe(
                "metadata-database",
                () -> pool.query("SELECT 1").execute().toCompletionStage(),
                Duration.ofMillis(200));

        ProbeResult r = assertTimeoutPreemptively(
                GUARD, () -> probe.probe().toCompletableFuture().join());

        assertThat(r.dependency()).isEqualTo("metadata-database");
        assertThat(r.up()).isFalse();
        assertThat(r.error()).contains("no answer within 200 ms");
        assertThat(probe.last()).contains(r);
        pool.close();
    }

    @Test
    void aSilentRedisIsReportedDownWithinTheBound() {
        RedisOnlineStore store = new RedisOnlineStore(
                vertx,
                new RedisOnlineStoreConfig(
                        List.of("redis://127.0.0.1:" + silent.port()),
                        RedisOnlineStoreConfig.ClientType.STANDALONE,
                        1,
                        RedisOnlineStoreConfig.DEFAULT_MAX_POOL_WAITING,
                        RedisOnlineStoreConfig.DEFAULT_MAX_WAITING_HANDLERS,
                        "slate"));
        BoundedProbe probe = new BoundedProbe("online-store", store::ping, Duration.ofMillis(200));

        ProbeResult r = assertTimeoutPreemptively(
                GUARD, () -> probe.probe().toCompletableFuture().join());

        assertThat(r.up()).isFalse();
        assertThat(r.error()).contains("no answer within 200 ms");
        store.close();
    }

    @Test
    void probesJoinTheOutstandingCallInsteadOfPilingUp() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Void> never = new CompletableFuture<>();
        BoundedProbe probe = new BoundedProbe(
                "x",
                () -> {
                    calls.incrementAndGet();
                    return never;
                },
                Duration.ofMillis(100));
        for (int i = 0; i < 3; i++) {
            assertThat(assertTimeoutPreemptively(
                                    GUARD,
                                    () -> probe.probe().toCompletableFuture().join())
                            .up())
                    .isFalse();
        }
        assertThat(calls).hasValue(1);

        never.complete(null); // the dependency answers again: the next probe starts a new call
        assertThat(probe.probe().toCompletableFuture().join().up()).isTrue();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailingCallIsDownWithItsReason() {
        BoundedProbe probe = new BoundedProbe(
                "x",
                () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused\nmore")),
                Duration.ofSeconds(1));
        ProbeResult r = probe.probe().toCompletableFuture().join();
        assertThat(r.up()).isFalse();
        assertThat(r.error()).contains("IllegalStateException: connection refused");
    }

    /** Accepts TCP connections and never writes a byte. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
