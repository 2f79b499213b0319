package dev.slate.installer.http;

import dev.slate.installer.CliException;
import java.net.URI;

/** Nothing answers at the configured URL (connection refused, unknown host, timeout). */
public final class SlateUnreachableException extends CliException {
    public SlateUnreachableException(URI baseUrl) {
        super("Slate is not reachable at " + baseUrl + " \u2014 is `slate up` running?");
    }
}
