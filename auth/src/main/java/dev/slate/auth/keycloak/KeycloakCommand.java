package dev.slate.auth.keycloak;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * {@code auth/keycloak.sh start|stop|status|build [--port N] [--data DIR] [--dist DIR] [--no-demo-users]
 * [--ui-url URL] [--timeout SECONDS]}: the command-line face of {@link KeycloakServer}. {@code start} makes
 * the distribution a production build first when it is not one yet ({@link KeycloakDistribution#build}, once
 * per distribution); {@code build} only does that (the bundle build runs it). Prints where to find secrets,
 * never the secrets themselves.
 */
public final class KeycloakCommand {

    static final String USAGE = String.format(Locale.ROOT, """
            usage: keycloak.sh start|stop|status|build [options]
              build              only build the distribution for production (kc.sh build, once; start does it too)
              --port N           HTTP port on 127.0.0.1 (default %d; 0 picks a free one)
              --data DIR         instance directory (database, secrets, log)
              --dist DIR         unpacked Keycloak distribution (default: auth/target/keycloak)
              --no-demo-users    import the production realm only (no demo users, no slate-reporting client)
              --ui-url URL       where the Slate UI lives, for slate-ui redirects (default http://127.0.0.1:8080)
              --timeout SECONDS  how long start waits for readiness (default 240)
              --watch-pid PID    stop Keycloak when process PID is gone (slate up passes its own pid)
              --replace          stop an instance an earlier run left running from DIR instead of refusing
            """, KeycloakServer.DEFAULT_PORT);

    private KeycloakCommand() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Deque<String> queue = new ArrayDeque<>(args);
        if (queue.isEmpty()) {
            err.print(USAGE);
            return 64;
        }
        String action = queue.poll();
        int port = KeycloakServer.DEFAULT_PORT;
        Path data = Path.of("auth/target/keycloak-data");
        Path dist = Path.of("auth/target/keycloak");
        boolean demoUsers = true;
        String uiUrl = "http://127.0.0.1:8080";
        Duration timeout = Duration.ofSeconds(240);
        long watchPid = 0;
        boolean replace = false;
        try {
            while (!queue.isEmpty()) {
                String option = queue.poll();
                switch (option) {
                    case "--port" -> port = Integer.parseInt(value(queue, option));
                    case "--data" -> data = Path.of(value(queue, option));
                    case "--dist" -> dist = Path.of(value(queue, option));
                    case "--no-demo-users" -> demoUsers = false;
                    case "--ui-url" -> uiUrl = value(queue, option);
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value(queue, option)));
                    case "--watch-pid" -> watchPid = Long.parseLong(value(queue, option));
                    case "--replace" -> replace = true;
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 64;
        }
        Path dataDir = data.toAbsolutePath().normalize();
        try {
            return switch (action) {
                case "start" ->
                    start(
                            KeycloakServer.Options.of(KeycloakDistribution.locate(dist), dataDir)
                                    .withPort(port)
                                    .withDemoUsers(demoUsers)
                                    .withUiUrl(uiUrl)
                                    .withStartTimeout(timeout)
                                    .withWatchParent(watchPid)
                                    .withReplaceLeftover(replace)
                                    .withBuild(true),
                            out);
                case "build" -> build(KeycloakDistribution.locate(dist), out);
                case "stop" -> stop(dataDir, out);
                case "status" -> status(dataDir, out);
                default -> {
                    err.println("unknown action " + action);
                    err.print(USAGE);
                    yield 64;
                }
            };
        } catch (KeycloakException e) {
            err.println("keycloak: " + e.getMessage());
            return 1;
        }
    }

    private static int start(KeycloakServer.Options options, PrintStream out) {
        out.println("Starting Keycloak " + KeycloakDistribution.VERSION + " on 127.0.0.1:"
                + (options.port() == 0 ? "<free port>" : options.port())
                + " (first start of a data directory takes 30-60 s)...");
        KeycloakServer server = KeycloakServer.start(options);
        Path credentials = server.dataDir().resolve(KeycloakCredentials.FILE_NAME);
        String seconds = server.startupTime()
                .map(d -> String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0))
                .orElse("?");
        out.println("Keycloak is ready in " + seconds + " s (process group " + server.processGroup() + ")");
        out.println("  issuer         " + server.issuer());
        out.println("  admin console  " + server.baseUrl() + "/admin/  user "
                + server.credentials().adminUsername() + ", password: admin.password in " + credentials);
        out.println("  secrets        " + credentials + " (mode 0600; never printed)");
        if (server.demoUsers()) {
            out.println("  demo users     alice (admin), dave (developer), vera (viewer), priya (viewer, pii-reader);");
            out.println("                 password: demo.user.password in " + credentials);
            out.println("                 account console " + server.issuer() + "/account/");
        }
        out.println("  service token  curl -s " + server.tokens().tokenEndpoint()
                + " -d grant_type=client_credentials -d client_id=slate-service \\");
        out.println("                   --data-urlencode client_secret=\"$(sed -n 's/^client.slate-service.secret=//p' "
                + credentials + ")\"");
        out.println("  log            " + server.logFile());
        out.println("  stop           auth/keycloak.sh stop --data " + server.dataDir());
        return 0;
    }

    private static int build(KeycloakDistribution distribution, PrintStream out) {
        String options = String.join(" ", KeycloakDistribution.BUILD_OPTIONS);
        if (distribution.optimized()) {
            out.println("Keycloak " + distribution.root() + " is already built for production (" + options + ")");
            return 0;
        }
        out.println("Building Keycloak " + distribution.root() + " for production (kc.sh build " + options
                + "; about a minute, longer on a loaded host)...");
        long started = System.nanoTime();
        distribution.build(KeycloakServer.BUILD_TIMEOUT);
        out.println(String.format(
                Locale.ROOT,
                "Keycloak built in %.1f s: it starts with kc.sh start --optimized",
                (System.nanoTime() - started) / 1e9));
        return 0;
    }

    private static int stop(Path dataDir, PrintStream out) {
        var running = KeycloakServer.attach(dataDir);
        if (running.isEmpty()) {
            out.println("Keycloak is not running from " + dataDir);
            return 0;
        }
        if (running.get().stop()) {
            out.println("Keycloak stopped (process group " + running.get().processGroup() + ")");
            return 0;
        }
        out.println("Keycloak (process group " + running.get().processGroup() + ") did not stop");
        return 1;
    }

    private static int status(Path dataDir, PrintStream out) {
        KeycloakServer.Status status = KeycloakServer.status(dataDir);
        if (!status.running()) {
            out.println("Keycloak is not running from " + dataDir);
            return 3;
        }
        out.println("Keycloak " + (status.ready() ? "is ready" : "is starting (not ready yet)") + " at "
                + status.issuer() + " (process group " + status.processGroup() + ")");
        return status.ready() ? 0 : 2;
    }

    private static String value(Deque<String> queue, String option) {
        String v = queue.poll();
        if (v == null || v.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return v;
    }
}
