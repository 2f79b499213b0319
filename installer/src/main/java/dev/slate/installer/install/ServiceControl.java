package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code slate start|stop|status} of a standalone install, for hosts without systemd (and used by the
 * systemd Keycloak unit). Keycloak runs through the install's launcher ({@code lib/auth},
 * {@code dev.slate.auth.keycloak.KeycloakCommand}); the appliance runs detached ({@code setsid}) with the
 * settings of {@code etc/slate.env}, its output in {@code var/home/logs/appliance.log} and its pid in
 * {@code var/home/run/appliance.pid}.
 */
public final class ServiceControl {
    public enum Service {
        KEYCLOAK,
        APPLIANCE
    }

    /** What {@code slate status} reports. */
    public record Status(
            boolean keycloakRunning, boolean keycloakReady, Optional<Long> appliancePid, boolean applianceReady) {
        public boolean allReady() {
            return keycloakReady && applianceReady;
        }
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    private final InstallLayout layout;
    private final Map<String, String> env;
    private final Consumer<String> out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ServiceControl(InstallLayout layout, Consumer<String> out) {
        this.layout = requireNonNull(layout, "layout is null");
        if (!Files.isRegularFile(layout.envFile())) {
            throw new InstallException("no standalone install at " + layout.prefix() + " (missing " + layout.envFile()
                    + "); install with: slate install --standalone --prefix " + layout.prefix());
        }
        this.env = InstallFiles.readEnv(layout.envFile());
        this.out = requireNonNull(out, "out is null");
    }

    private Path java() {
        return layout.java(Path.of(env.getOrDefault("SLATE_JAVA", "java")));
    }

    private int httpPort() {
        return Integer.parseInt(env.getOrDefault("SLATE_HTTP_PORT", "8080"));
    }

    private int authPort() {
        return Integer.parseInt(env.getOrDefault("SLATE_AUTH_PORT", "18080"));
    }

    private boolean demo() {
        return Boolean.parseBoolean(env.getOrDefault("SLATE_DEMO", "false"));
    }

    /** Starts what is not running and waits until it is ready. */
    public void start(List<Service> services, Duration timeout) throws InterruptedException {
        if (services.contains(Service.KEYCLOAK)) {
            if (keycloakCommand("status", List.of(), line -> {}) == 0) {
                out.accept("Keycloak already runs.");
            } else {
                List<String> options = new ArrayList<>(List.of(
                        "--port",
                        Integer.toString(authPort()),
                        "--replace",
                        "--timeout",
                        Long.toString(timeout.toSeconds()),
                        "--ui-url",
                        "http://127.0.0.1:" + httpPort()));
                if (!demo()) {
                    options.add("--no-demo-users");
                }
                if (keycloakCommand("start", options, out) != 0) {
                    throw new InstallException("Keycloak did not start (see above and "
                            + layout.keycloakData().resolve("keycloak.log") + ")");
                }
            }
            keycloakGroup().ifPresent(pid -> writePid(layout.run().resolve("keycloak.pid"), pid));
        }
        if (services.contains(Service.APPLIANCE)) {
            Optional<Long> running = appliancePid();
            if (running.isPresent()) {
                out.accept("The appliance already runs (pid " + running.get() + ").");
            } else {
                startAppliance(timeout);
            }
        }
    }

    private void startAppliance(Duration timeout) throws InterruptedException {
        Path log = layout.logs().resolve("appliance.log");
        List<String> command = List.of(
                "setsid",
                java().toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                layout.applianceJar().toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(layout.home().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process process;
        try {
            Files.createDirectories(layout.logs());
            process = pb.start();
        } catch (IOException e) {
            throw new InstallException("cannot start the appliance: " + e.getMessage(), e);
        }
        writePid(layout.appliancePidFile(), process.pid());
        out.accept("Starting the appliance (pid " + process.pid() + ", log " + log + ")…");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new InstallException("the appliance exited with code " + process.exitValue()
                        + " before it was ready; last lines of " + log + ":\n" + tail(log, 20));
            }
            if (System.nanoTime() > deadline) {
                throw new InstallException("the appliance was not ready within " + timeout.toSeconds()
                        + " s (it keeps starting; see " + log + ")");
            }
            Thread.sleep(500);
        }
        out.accept("Slate is up at http://127.0.0.1:" + httpPort() + " (issuer " + env.get("SLATE_AUTH_ISSUER") + ")");
    }

    /** Stops the appliance (SIGTERM, SIGKILL after a grace period), then Keycloak. */
    public void stop(List<Service> services) {
        if (services.contains(Service.APPLIANCE)) {
            Optional<Long> pid = appliancePid();
            if (pid.isEmpty()) {
                out.accept("The appliance is not running.");
            } else {
                ProcessHandle handle = ProcessHandle.of(pid.get()).orElseThrow();
                out.accept("Stopping the appliance (pid " + pid.get() + ")…");
                handle.destroy();
                try {
                    handle.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    out.accept("The appliance did not stop within " + STOP_GRACE.toSeconds() + " s; killing it");
                    handle.destroyForcibly();
                }
                out.accept("The appliance stopped.");
            }
            deleteQuietly(layout.appliancePidFile());
        }
        if (services.contains(Service.KEYCLOAK)) {
            if (keycloakCommand("stop", List.of(), out) != 0) {
                throw new InstallException(
                        "Keycloak did not stop (see " + layout.keycloakData().resolve("keycloak.log") + ")");
            }
            deleteQuietly(layout.run().resolve("keycloak.pid"));
        }
    }

    public Status status() {
        int keycloak = keycloakCommand("status", List.of(), line -> {});
        Optional<Long> appliance = appliancePid();
        return new Status(keycloak == 0 || keycloak == 2, keycloak == 0, appliance, appliance.isPresent() && ready());
    }

    /** The recorded appliance pid, when that process is alive and runs this install's appliance jar. */
    Optional<Long> appliancePid() {
        Path file = layout.appliancePidFile();
        try {
            long pid = Long.parseLong(
                    Files.readString(file, StandardCharsets.US_ASCII).strip());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> runsAppliance(pid))
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean runsAppliance(long pid) {
        try {
            String[] args = new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .split("\0");
            return Arrays.asList(args).contains(layout.applianceJar().toString());
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<Long> keycloakGroup() {
        Properties state = new Properties();
        try (var in =
                Files.newBufferedReader(layout.keycloakData().resolve("keycloak.state"), StandardCharsets.UTF_8)) {
            state.load(in);
            return Optional.of(
                    Long.parseLong(state.getProperty("process-group", "").strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean ready() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code KeycloakCommand ACTION --dist keycloak --data var/home/keycloak OPTIONS}; returns its exit code. */
    private int keycloakCommand(String action, List<String> options, Consumer<String> lines) {
        List<String> command = new ArrayList<>(List.of(
                java().toString(),
                "-cp",
                layout.authLib() + "/*",
                "dev.slate.auth.keycloak.KeycloakCommand",
                action,
                "--dist",
                layout.keycloakDist().toString(),
                "--data",
                layout.keycloakData().toString()));
        command.addAll(options);
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new InstallException("cannot run the Keycloak launcher: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted", e);
        }
    }

    private static void writePid(Path file, long pid) {
        try {
            StandaloneInstaller.writeAtomically(file, pid + "\n", false);
        } catch (IOException e) {
            throw new InstallException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale pid file is checked against the process before use
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
    }
}
