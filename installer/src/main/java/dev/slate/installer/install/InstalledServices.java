package dev.slate.installer.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The services of a standalone install as an upgrade, rollback or uninstall sees them: running or not, stop,
 * start (and wait until ready; the appliance runs the schema migrations of its version when it starts), and where
 * the embedded Redis listens while they run. Tests use a stand-in; {@link #of} is the real one.
 */
public interface InstalledServices {
    boolean running();

    void stop();

    /**
     * Starts the version {@code current} points at and waits until it is ready.
     *
     * @throws InstallException when it does not get ready (e.g. a migration failed and the appliance exited)
     */
    void start();

    /** Where the embedded Redis listens while the services run; empty when they do not (or Redis is external). */
    Optional<RedisTarget> embeddedRedis();

    /**
     * {@code systemctl stop/start} of the units when systemd runs them (they are linked into
     * {@code /etc/systemd/system}), else {@link ServiceControl}.
     */
    static InstalledServices of(InstallLayout layout, HostProbe probe, Duration timeout, Consumer<String> out) {
        return new InstalledServices() {
            private ServiceControl control() {
                return new ServiceControl(layout, out);
            }

            private boolean systemd() {
                return probe.systemdIsInit()
                        && Files.exists(Path.of("/etc/systemd/system").resolve(InstallFiles.APPLIANCE_UNIT));
            }

            @Override
            public boolean running() {
                ServiceControl.Status status = control().status();
                return status.keycloakRunning() || status.appliancePid().isPresent();
            }

            @Override
            public void stop() {
                if (systemd()) {
                    systemctl("stop", InstallFiles.APPLIANCE_UNIT, InstallFiles.KEYCLOAK_UNIT);
                }
                control().stop(List.of(ServiceControl.Service.APPLIANCE, ServiceControl.Service.KEYCLOAK));
            }

            @Override
            public void start() {
                if (systemd()) {
                    systemctl("start", InstallFiles.KEYCLOAK_UNIT, InstallFiles.APPLIANCE_UNIT);
                }
                try {
                    // under systemd this only waits: what runs already is not started twice
                    control()
                            .start(List.of(ServiceControl.Service.KEYCLOAK, ServiceControl.Service.APPLIANCE), timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InstallException("interrupted while starting Slate", e);
                }
            }

            @Override
            public Optional<RedisTarget> embeddedRedis() {
                if (!running()) {
                    return Optional.empty();
                }
                return embeddedRedisOf(layout.logs().resolve("appliance.log"));
            }

            private void systemctl(String action, String... units) {
                try {
                    Process p = new ProcessBuilder(Stream.concat(Stream.of("systemctl", action), Stream.of(units))
                                    .toList())
                            .redirectErrorStream(true)
                            .start();
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!p.waitFor(timeout.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        throw new InstallException("systemctl " + action + " failed: " + output.strip());
                    }
                } catch (IOException e) {
                    throw new InstallException("cannot run systemctl: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InstallException("interrupted", e);
                }
            }
        };
    }

    /** The port of the last "Embedded Redis listening on redis://127.0.0.1:PORT" line of the appliance's log. */
    static Optional<RedisTarget> embeddedRedisOf(Path applianceLog) {
        Pattern line = Pattern.compile("Embedded Redis listening on redis://([0-9.]+):([0-9]+)");
        try {
            Optional<RedisTarget> last = Optional.empty();
            for (String l : Files.readAllLines(applianceLog, StandardCharsets.UTF_8)) {
                Matcher m = line.matcher(l);
                if (m.find()) {
                    last = Optional.of(new RedisTarget(m.group(1), Integer.parseInt(m.group(2)), 0));
                }
            }
            return last;
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
