package dev.slate.appliance.embedded;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Map;

/**
 * The appliance's entry point. With {@code slate.embedded=true} ({@code -Dslate.embedded=true} or
 * {@code SLATE_EMBEDDED=true}; {@code slate up} sets it) it starts an embedded PostgreSQL and Redis
 * before Quarkus boots and points the configuration at them through system properties; with
 * {@code slate.demo=true} as well, it also provides the secrets of the example project. Unless the operator
 * gives a key for the encrypted secret store, it uses the one in {@code slate.home}, generated on the first
 * start ({@link SecretsKeyFile}). Otherwise it
 * boots Quarkus against the services configured as usual.
 */
@QuarkusMain
public final class ApplianceMain {
    /** The exit code when an embedded service died under the running appliance (EX_UNAVAILABLE). */
    static final int EXIT_SERVICE_LOST = 69;
    /** The pid of the {@code slate up} that runs this appliance in the foreground. */
    static final String PARENT_PID_PROPERTY = "slate.parent-pid";

    private ApplianceMain() {}

    public static void main(String... args) {
        EmbeddedSettings settings;
        try {
            settings = EmbeddedSettings.fromSystem();
        } catch (IllegalArgumentException e) {
            fail(2, "Slate cannot start: " + e.getMessage());
            return;
        }
        if (!settings.embedded()) {
            Quarkus.run(args);
            return;
        }
        try {
            SecretsKeyFile.apply(settings.home());
        } catch (IllegalStateException e) {
            fail(1, "Slate cannot start: " + e.getMessage());
            return;
        }
        EmbeddedServices services;
        try {
            services = EmbeddedServices.start(settings);
        } catch (RuntimeException e) {
            fail(1, "Slate cannot start its embedded services: " + e.getMessage());
            return;
        }
        Thread stop = new Thread(services::close, "slate-embedded-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        services.onUnexpectedExit(reason -> fail(
                EXIT_SERVICE_LOST,
                "Slate stops: " + reason
                        + ". Start it again; the next start recovers (docs/cli.md, \"Crash recovery\")."));
        watchParent();
        services.configuration().forEach(System::setProperty);
        if (settings.demo()) {
            setUnlessPresent(services.demoSecrets());
        }
        try {
            Quarkus.run(args);
        } finally {
            services.close();
        }
    }

    /**
     * {@code slate up} passes its pid as {@code slate.parent-pid}: when it is gone (killed with SIGKILL,
     * so it could not stop this JVM), the appliance stops itself cleanly instead of running orphaned.
     */
    private static void watchParent() {
        String parent = System.getProperty(PARENT_PID_PROPERTY);
        if (parent == null || parent.isBlank()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(parent.strip());
        } catch (NumberFormatException e) {
            fail(2, "Slate cannot start: " + PARENT_PID_PROPERTY + " must be a pid, got '" + parent + "'");
            return;
        }
        Runnable orphaned = () -> Thread.ofPlatform().name("slate-parent-gone").start(() -> {
            System.err.println("WARN the slate up that started Slate (pid " + pid + ") is gone; Slate stops");
            System.err.flush();
            System.exit(0);
        });
        ProcessHandle.of(pid).ifPresentOrElse(p -> p.onExit().thenRun(orphaned), orphaned);
    }

    /**
     * Before Quarkus boots, log records are buffered until its logging is set up, which never happens
     * when we stop here: the reason goes to stderr directly.
     */
    private static void fail(int exitCode, String message) {
        System.err.println("ERROR " + message);
        System.err.flush();
        System.exit(exitCode);
    }

    private static void setUnlessPresent(Map<String, String> properties) {
        properties.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
