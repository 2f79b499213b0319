package dev.slate.appliance.query;

import dev.slate.appliance.testing.SwitchableTcpProxy;
import dev.slate.appliance.testing.TestServersResource;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fraud profile with the metadata database and Redis reached through {@link SwitchableTcpProxy}
 * proxies, so a test can freeze or cut either while the application runs. The test drives them with
 * {@link #control(String)} ({@code "pg FROZEN"}, {@code "redis REFUSE"}, ...) over each proxy's
 * control port, published as a system property (the application's and the test's class loaders may
 * differ; a port number means the same to both).
 */
public class DependencyOutageProfile implements QuarkusTestProfile {

    private static final String CONTROL = "slate.test.dependency-outage.control.";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(new FraudTestProfile().getConfigOverrides());
        overrides.put("slate.health.check-timeout", "300ms");
        overrides.put("slate.health.probe-interval", "200ms");
        return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Proxies.class));
    }

    /** Sends {@code "<pg|redis> <FORWARD|FROZEN|REFUSE>"} to the proxies. */
    static void control(String command) {
        String[] parts = command.split(" ");
        String port = System.getProperty(CONTROL + parts[0]);
        if (port == null) {
            throw new IllegalStateException("no dependency proxy '" + parts[0] + "' is running");
        }
        SwitchableTcpProxy.send(Integer.parseInt(port), SwitchableTcpProxy.Mode.valueOf(parts[1]));
    }

    public static class Proxies implements QuarkusTestResourceLifecycleManager {
        private SwitchableTcpProxy pg;
        private SwitchableTcpProxy redis;

        @Override
        public Map<String, String> start() {
            try {
                pg = new SwitchableTcpProxy(TestServers.postgres().port());
                redis = new SwitchableTcpProxy(
                        URI.create(TestServers.redisUrl()).getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(CONTROL + "pg", String.valueOf(pg.controlPort()));
            System.setProperty(CONTROL + "redis", String.valueOf(redis.controlPort()));
            return Map.of(
                    "slate.db.port",
                    String.valueOf(pg.port()),
                    "slate.redis.url",
                    "redis://127.0.0.1:" + redis.port() + "/0");
        }

        /** After {@link TestServersResource}: these ports win over the servers' own. */
        @Override
        public int order() {
            return TestServersResource.ORDER + 1;
        }

        @Override
        public void stop() {
            System.clearProperty(CONTROL + "pg");
            System.clearProperty(CONTROL + "redis");
            try {
                pg.close();
                redis.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
