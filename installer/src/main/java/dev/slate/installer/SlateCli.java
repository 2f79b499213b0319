package dev.slate.installer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slate.installer.auth.TokenFile;
import dev.slate.installer.auth.TokenSource;
import dev.slate.installer.cluster.ClusterCommand;
import dev.slate.installer.cluster.ClusterLifecycleCommands;
import dev.slate.installer.http.SlateClient;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code slate} command line: run the appliance standalone, deploy projects and query features
 * over the REST API. Exit codes: 0 success, 1 failure (problem answers, unreachable server),
 * 2 usage error.
 */
@Command(
        name = "slate",
        mixinStandardHelpOptions = true,
        versionProvider = SlateCli.Version.class,
        description = "Slate feature platform: run it, deploy feature projects, query features.",
        subcommands = {
            UpCommand.class,
            ApplyCommand.class,
            QueryCommand.class,
            OfflineQueryCommand.class,
            IngestCommand.class,
            DeploymentsCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            TokenCommand.class,
            MaterializeCommand.class,
            AggregateCommand.class,
            ClusterCommand.class,
            BundleCommand.class,
            HostInstallCommand.class,
            UpgradeCommands.Upgrade.class,
            UpgradeCommands.Rollback.class,
            UpgradeCommands.Uninstall.class,
            HostPreflightCommand.class,
            ServiceCommands.Start.class,
            ServiceCommands.Stop.class,
            ServiceCommands.Status.class,
            EnvCommand.class,
            DiffCommand.class,
            UsageCommand.class,
            SecretsCommand.class,
            BranchesCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SlateCli {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(
            names = "--url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "Slate base URL (default: $SLATE_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(
            names = "--env",
            scope = ScopeType.INHERIT,
            paramLabel = "ENV",
            description = "Environment (sent as header X-Slate-Environment).")
    String environment;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the raw JSON answer.")
    boolean json;

    private final Map<String, String> env;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    SlateCli(Map<String, String> env) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), out, err));
    }

    /** Runs one command line and returns its exit code (never calls {@code System.exit}). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SlateCli(env));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof CliException) {
                cmd.getErr().println("error: " + exception.getMessage());
            } else {
                cmd.getErr()
                        .println("error: " + exception.getClass().getSimpleName()
                                + (exception.getMessage() == null ? "" : ": " + exception.getMessage()));
            }
            cmd.getErr().flush();
            return 1;
        });
        int exit = commandLine.execute(ClusterLifecycleCommands.aliased(args));
        out.flush();
        err.flush();
        return exit;
    }

    /** The base URL: {@code --url}, else {@code $SLATE_URL}, else {@value #DEFAULT_URL}. */
    URI baseUrl() {
        String chosen = url != null && !url.isBlank() ? url : env.getOrDefault("SLATE_URL", "");
        if (chosen.isBlank()) {
            chosen = DEFAULT_URL;
        }
        try {
            URI uri = URI.create(chosen.strip());
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid Slate URL '" + chosen + "': expected http://HOST:PORT");
        }
    }

    SlateClient client() {
        TokenSource tokens = new TokenSource(env("SLATE_TOKEN"), tokenFile(), Clock.systemUTC());
        return new SlateClient(
                baseUrl(), Optional.ofNullable(environment).filter(s -> !s.isBlank()), mapper, tokens::accessToken);
    }

    /** Where {@code slate login} keeps the token: {@code $SLATE_TOKEN_FILE}, else {@code ~/.slate/token}. */
    TokenFile tokenFile() {
        return new TokenFile(env("SLATE_TOKEN_FILE")
                .map(Path::of)
                .orElseGet(() -> userHome().resolve(".slate").resolve("token")));
    }

    boolean json() {
        return json;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
    }

    Path userHome() {
        return Path.of(System.getProperty("user.home"));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SlateCli.class.getPackage().getImplementationVersion();
            return new String[] {"slate " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
