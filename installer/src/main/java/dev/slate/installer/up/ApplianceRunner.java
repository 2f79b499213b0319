package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the appliance as a child process in the foreground: forwards its output, waits until it is
 * ready, prints the banner, then waits for it to end. The child is stopped (SIGTERM, then killed after
 * a grace period) when the CLI exits, including on Ctrl-C.
 */
public final class ApplianceRunner {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** How a JVM stopped by Ctrl-C (SIGINT) or SIGTERM exits: a clean stop. */
    private static final int EXIT_SIGINT = 130;

    private static final int EXIT_SIGTERM = 143;

    private final List<String> command;
    private final URI baseUrl;
    private final Duration readyTimeout;
    private final String banner;
    private final ConsoleOutput console;
    private final ReadinessProbe probe;
    private volatile Process running;
    private volatile String abortReason;

    public ApplianceRunner(
            List<String> command,
            URI baseUrl,
            Duration readyTimeout,
            String banner,
            PrintWriter out,
            ObjectMapper mapper) {
        this.command = List.copyOf(command);
        this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
        this.readyTimeout = requireNonNull(readyTimeout, "readyTimeout is null");
        this.banner = requireNonNull(banner, "banner is null");
        this.console = new ConsoleOutput(out);
        this.probe = new ReadinessProbe(baseUrl, mapper);
    }

    /**
     * @return the exit code for the CLI: 0 when the appliance stopped cleanly
     * @throws CliException when the appliance cannot start, exits before it is ready or is not ready in time
     */
    public int run(Path workingDirectory) throws InterruptedException {
        Process process = start(workingDirectory);
        running = process;
        if (abortReason != null) {
            stop(process);
        }
        Thread stopOnExit = new Thread(() -> stop(process), "slate-up-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        Thread pump = Thread.ofPlatform().daemon().name("slate-up-output").start(() -> forward(process));
        try {
            awaitReady(process);
            console.text(banner);
            int exit = process.waitFor();
            pump.join(TimeUnit.SECONDS.toMillis(2));
            if (abortReason != null) {
                console.line("Slate stopped: " + abortReason + ".");
                return 1;
            }
            if (exit == 0 || exit == EXIT_SIGINT || exit == EXIT_SIGTERM) {
                console.line("Slate stopped.");
                return 0;
            }
            console.line("Slate stopped with exit code " + exit + ".");
            return 1;
        } catch (CliException | InterruptedException e) {
            stop(process);
            pump.join(TimeUnit.SECONDS.toMillis(2));
            throw e;
        } finally {
            removeHook(stopOnExit);
        }
    }

    private Process start(Path workingDirectory) {
        console.line("Starting Slate: " + String.join(" ", command));
        try {
            return new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new CliException("cannot start the appliance: " + e.getMessage());
        }
    }

    /**
     * Stops the appliance because something it needs is gone (e.g. the Keycloak of {@code slate up});
     * {@link #run} then returns 1 after printing {@code reason}. Callable from any thread.
     */
    public void abort(String reason) {
        abortReason = requireNonNull(reason, "reason is null");
        Process process = running;
        if (process != null) {
            Thread.ofPlatform().name("slate-up-abort").start(() -> stop(process));
        }
    }

    private void awaitReady(Process process) throws InterruptedException {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            if (abortReason != null) {
                throw new CliException("Slate stopped before it was ready: " + abortReason);
            }
            if (!process.isAlive()) {
                throw new CliException("the appliance exited with code " + process.exitValue() + " before it was ready"
                        + " (see its output above)");
            }
            if (probe.isReady()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException("Slate was not ready at " + baseUrl + "/q/health/ready within "
                        + readyTimeout.toSeconds() + " s; stopping it");
            }
            console.progress("waiting for " + DemoQuery.stripSlash(baseUrl) + "/q/health/ready ");
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private void forward(Process process) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                console.line(line);
            }
        } catch (IOException | UncheckedIOException e) {
            // the child closed its output: nothing left to forward
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and stops the child
        }
    }
}
