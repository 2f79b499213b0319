package dev.slate.appliance.testing;

import dev.slate.storage.testservers.TestPostgres;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points every application start of a {@code @QuarkusTest} at the test PostgreSQL and Redis ({@link TestServers},
 * docs/testing.md): embedded servers started once per test JVM, or the machine's when asked for. The one place the
 * appliance's tests get {@code slate.db.*} and {@code slate.redis.url}; registered globally by
 * {@link TestServersResourceActivation}. A profile's own resource that must override them (a proxy in front of a
 * server) orders itself after {@link #ORDER}.
 */
public class TestServersResource implements QuarkusTestResourceLifecycleManager {

    public static final int ORDER = 0;

    @Override
    public Map<String, String> start() {
        TestPostgres pg = TestServers.postgres();
        return Map.of(
                "slate.db.host", pg.host(),
                "slate.db.port", String.valueOf(pg.port()),
                "slate.db.name", pg.database(),
                "slate.db.username", pg.user(),
                "slate.db.password", "",
                "slate.redis.url", TestServers.redisUrl());
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void stop() {
        // shared by every application start of this JVM: TestServers stops them at JVM exit
    }
}
