package dev.slate.installer;

import dev.slate.installer.auth.OidcClient;
import dev.slate.installer.auth.StoredToken;
import dev.slate.installer.auth.TokenFile;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = {
            "Log in to the Slate realm of Keycloak and keep the token in ~/.slate/token (mode 0600;",
            "$SLATE_TOKEN_FILE elsewhere). Later commands send it and refresh it when it expires.",
            "Password grant by default (asks for what is not given); --device for the device flow (a browser elsewhere)."
        })
final class LoginCommand implements Callable<Integer> {
    static final String DEFAULT_ISSUER = "http://127.0.0.1:18080/realms/slate";

    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            description = "Realm URL (default: $SLATE_AUTH_ISSUER, else " + DEFAULT_ISSUER + ").")
    String issuer;

    @Option(
            names = "--client",
            paramLabel = "ID",
            defaultValue = OidcClient.DEFAULT_CLIENT,
            description = "Public client of the realm (default: ${DEFAULT-VALUE}).")
    String clientId;

    @Option(
            names = {"-u", "--username"},
            paramLabel = "NAME",
            description = "User name (asked for when missing).")
    String username;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "Read the password from the first line of FILE.")
    Path passwordFile;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(
            names = "--device",
            description = "Device authorization: open the printed URL anywhere and approve the code.")
    boolean device;

    @Override
    public Integer call() throws InterruptedException {
        URI realm = issuer();
        OidcClient oidc = new OidcClient(realm, clientId, Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        StoredToken token;
        if (device) {
            OidcClient.DeviceAuthorization authorization = oidc.startDevice();
            out.println("Open "
                    + (authorization.verificationUriComplete().isEmpty()
                            ? authorization.verificationUri()
                            : authorization.verificationUriComplete()));
            out.println("and confirm the code " + authorization.userCode() + " (valid for "
                    + authorization.expiresIn().toMinutes() + " min)...");
            out.flush();
            token = oidc.awaitDevice(authorization);
        } else {
            String user = username != null && !username.isBlank() ? username.strip() : ask("User name: ");
            token = oidc.password(user, password());
        }
        TokenFile file = root.tokenFile();
        file.write(token);
        long minutes = Math.max(
                0,
                Duration.between(Instant.now(), Instant.ofEpochSecond(token.expiresAt()))
                        .toMinutes());
        out.println(
                "Logged in to " + realm + " as " + (token.username() == null ? "(unknown)" : token.username()) + ".");
        out.println("Token saved in " + file.path() + " (access token valid for " + minutes + " min"
                + (token.refreshToken() != null ? ", renewed automatically" : "") + ").");
        out.flush();
        return 0;
    }

    private URI issuer() {
        String chosen = issuer != null && !issuer.isBlank()
                ? issuer
                : root.env("SLATE_AUTH_ISSUER").orElse(DEFAULT_ISSUER);
        try {
            URI uri = URI.create(chosen.strip());
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "invalid issuer '" + chosen + "': expected http(s)://HOST:PORT/realms/REALM");
        }
    }

    private String password() {
        if (passwordFile != null && passwordStdin) {
            throw new ParameterException(spec.commandLine(), "give --password-file or --password-stdin, not both");
        }
        try {
            if (passwordFile != null) {
                return Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElseThrow(() -> new CliException(passwordFile + " is empty"));
            }
            if (passwordStdin) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new CliException("no password on standard input");
                }
                return line;
            }
        } catch (IOException e) {
            throw new CliException("cannot read the password: " + e.getClass().getSimpleName());
        }
        Console console = System.console();
        if (console == null) {
            throw new CliException(
                    "no terminal to ask for the password: use --password-file, --password-stdin or --device");
        }
        char[] password = console.readPassword("Password: ");
        if (password == null) {
            throw new CliException("no password given");
        }
        return new String(password);
    }

    private String ask(String prompt) {
        Console console = System.console();
        if (console == null) {
            throw new CliException("no terminal to ask for the user name: use --username");
        }
        String line = console.readLine(prompt);
        if (line == null || line.isBlank()) {
            throw new CliException("no user name given");
        }
        return line.strip();
    }
}
