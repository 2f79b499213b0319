package dev.slate.installer.up;

import java.net.URI;
import java.nio.file.Path;

/** The banner {@code slate up} prints once the appliance is ready. */
public final class ConsoleBanner {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private ConsoleBanner() {
    }

    public static String render(URI baseUrl, Path home, boolean demo) {
        StringBuilder out = new StringBuilder("\n");
        out.append("  Slate is up at ").append(DemoQuery.stripSlash(baseUrl)).append('\n');
        out.append("  data: ").append(home.toAbsolutePath()).append(" (embedded PostgreSQL and Redis)\n");
        if (demo) {
            out.append("\n  The fraud example is deployed. Try:\n");
            out.append("    ").append(DemoQuery.cli(baseUrl)).append('\n');
            out.append("    ").append(DemoQuery.curl(baseUrl)).append('\n');
        } else {
            out.append("\n  Deploy a project:  ./slate apply DIR\n");
        }
        out.append("\n  Press Ctrl-C to stop.\n\n");
        return out.toString();
    }
}
