package dev.slate.installer;

import dev.slate.installer.auth.TokenSource;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print the current access token (refreshed when it is about to expire), for curl and scripts:",
            "  curl -H \"Authorization: Bearer $(./slate token)\" ...",
            "It is a credential: do not log it or paste it anywhere."
        })
final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String token = new TokenSource(root.env("SLATE_TOKEN"), root.tokenFile(), Clock.systemUTC())
                .accessToken()
                .orElseThrow(() -> new CliException("not logged in: run `slate login`"));
        spec.commandLine().getOut().println(token);
        return 0;
    }
}
