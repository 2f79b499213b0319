package dev.slate.installer.auth;

import dev.slate.installer.CliException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Where the CLI's {@code Authorization} header comes from: {@code $SLATE_TOKEN} (an access token, e.g. a
 * service token in CI) when set, else the token file of {@code slate login}, refreshed with its refresh
 * token when the access token is about to expire (and written back). No token at all is fine: the
 * server then answers 401 and the CLI says to log in.
 */
public final class TokenSource {

    private final Optional<String> fixed;
    private final TokenFile file;
    private final Clock clock;

    public TokenSource(Optional<String> fixed, TokenFile file, Clock clock) {
        this.fixed = fixed.filter(s -> !s.isBlank()).map(String::strip);
        this.file = file;
        this.clock = clock;
    }

    public TokenFile file() {
        return file;
    }

    /** The access token to send, if there is one. */
    public Optional<String> accessToken() {
        if (fixed.isPresent()) {
            return fixed;
        }
        Optional<StoredToken> stored = file.read();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredToken token = stored.get();
        if (token.accessTokenUsable(clock.instant())) {
            return Optional.of(token.accessToken());
        }
        if (!token.refreshable(clock.instant())) {
            throw new CliException("the login in " + file.path() + " has expired; run `slate login` again");
        }
        StoredToken fresh;
        try {
            fresh = new OidcClient(URI.create(token.issuer()), token.clientId(), clock).refresh(token);
        } catch (CliException e) {
            throw new CliException("cannot refresh the login in " + file.path() + " (" + e.getMessage()
                    + "); run `slate login` again");
        }
        file.write(fresh);
        return Optional.of(fresh.accessToken());
    }
}
