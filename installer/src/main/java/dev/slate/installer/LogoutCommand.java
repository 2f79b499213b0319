package dev.slate.installer;

import dev.slate.installer.auth.OidcClient;
import dev.slate.installer.auth.StoredToken;
import dev.slate.installer.auth.TokenFile;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "logout",
        mixinStandardHelpOptions = true,
        description = "End the login session at the realm and delete the token file.")
final class LogoutCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TokenFile file = root.tokenFile();
        Optional<StoredToken> token = file.read();
        boolean ended = token.map(
                        t -> new OidcClient(URI.create(t.issuer()), t.clientId(), Clock.systemUTC()).logout(t))
                .orElse(false);
        boolean deleted = file.delete();
        spec.commandLine()
                .getOut()
                .println(
                        deleted
                                ? "Logged out" + (ended ? " (session ended at the realm)" : "") + "; deleted "
                                        + file.path() + "."
                                : "Not logged in (no " + file.path() + ").");
        return 0;
    }
}
