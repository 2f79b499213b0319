package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import dev.slate.installer.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the bundled Keycloak for {@code slate up} through {@code auth/keycloak.sh} of the checkout (the
 * CLI links no runtime module; the script runs {@code dev.slate.auth.keycloak.KeycloakServer}). One data
 * directory under the Slate home holds the instance, its database and its generated secrets
 * ({@code credentials.properties}, mode 0600).
 */
public final class KeycloakLauncher {

    static final Pattern ISSUER_LINE = Pattern.compile("^\\s*issuer\\s+(http\\S+)\\s*$");

    private final Path script;
    private final Path dataDir;

    public KeycloakLauncher(Path script, Path dataDir) {
        this.script = requireNonNull(script, "script is null").toAbsolutePath().normalize();
        this.dataDir =
                requireNonNull(dataDir, "dataDir is null").toAbsolutePath().normalize();
    }

    /** {@code auth/keycloak.sh} of the checkout the appliance jar was built in ({@code CHECKOUT/appliance/target/quarkus-app/quarkus-run.jar}). */
    public static Path scriptFor(Path applianceJar) {
        Path checkout = applianceJar.toAbsolutePath().normalize();
        for (int i = 0; i < 4 && checkout != null; i++) {
            checkout = checkout.getParent();
        }
        if (checkout == null) {
            throw new CliException("cannot tell the Slate checkout from " + applianceJar);
        }
        return checkout.resolve("auth").resolve("keycloak.sh");
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path credentialsFile() {
        return dataDir.resolve("credentials.properties");
    }

    List<String> startCommand(int port, boolean demoUsers) {
        List<String> command = new ArrayList<>(List.of(
                "bash", script.toString(), "start", "--data", dataDir.toString(), "--port", Integer.toString(port)));
        if (!demoUsers) {
            command.add("--no-demo-users");
        }
        return List.copyOf(command);
    }

    /**
     * For {@code slate up}: Keycloak dies with {@code parentPid} (a watchdog stops it when that process
     * is gone), and an instance a killed {@code slate up} left running from the same data directory is
     * stopped first instead of blocking the start.
     */
    List<String> supervisedStartCommand(int port, boolean demoUsers, long parentPid, int timeoutSeconds) {
        List<String> command = new ArrayList<>(startCommand(port, demoUsers));
        command.addAll(List.of(
                "--replace", "--watch-pid", Long.toString(parentPid), "--timeout", Integer.toString(timeoutSeconds)));
        return List.copyOf(command);
    }

    /** The pid of the running instance's process group leader, from the launcher's state file. */
    public OptionalLong processGroup() {
        Properties state = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("keycloak.state"), StandardCharsets.UTF_8)) {
            state.load(in);
            return OptionalLong.of(
                    Long.parseLong(state.getProperty("process-group", "").strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    List<String> stopCommand() {
        return List.of("bash", script.toString(), "stop", "--data", dataDir.toString());
    }

    /**
     * Starts Keycloak, tied to the current process (see {@link #supervisedStartCommand}), and waits
     * until its realm answers; returns the issuer. Output lines go to {@code out}.
     */
    public URI start(int port, boolean demoUsers, int timeoutSeconds, Consumer<String> out) {
        if (!Files.isRegularFile(script)) {
            throw new CliException(
                    "cannot find " + script + " to start Keycloak; give an external realm with --issuer URL");
        }
        List<String> lines = run(
                supervisedStartCommand(port, demoUsers, ProcessHandle.current().pid(), timeoutSeconds), out);
        for (String line : lines) {
            Matcher m = ISSUER_LINE.matcher(line);
            if (m.matches()) {
                return URI.create(m.group(1));
            }
        }
        throw new CliException("Keycloak did not report its issuer (see the output above)");
    }

    /** Stops the instance (its whole process group); quiet when it does not run. */
    public void stop(Consumer<String> out) {
        try {
            run(stopCommand(), out);
        } catch (CliException e) {
            out.accept("Keycloak: " + e.getMessage());
        }
    }

    /** The demo users' password, when this instance was initialized with demo users. */
    public Optional<String> demoPassword() {
        Path file = credentialsFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        Properties instance = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("instance.properties"), StandardCharsets.UTF_8)) {
            instance.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Boolean.parseBoolean(instance.getProperty("demo-users"))
                ? Optional.ofNullable(p.getProperty("demo.user.password"))
                : Optional.empty();
    }

    private List<String> run(List<String> command, Consumer<String> out) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new CliException("cannot run " + script + ": " + e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                out.accept(line);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) { // after its output closed: it is about to exit
                process.destroyForcibly();
                throw new CliException(script + " did not finish");
            }
        } catch (IOException e) {
            throw new CliException("cannot read the output of " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while starting Keycloak");
        }
        if (process.exitValue() != 0) {
            throw new CliException(
                    script.getFileName() + " " + command.get(2) + " failed (exit " + process.exitValue() + ")");
        }
        return lines;
    }
}
