package dev.slate.installer.up;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** The banner {@code slate up} prints once the appliance is ready. */
public final class ConsoleBanner {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String DEFAULT_ISSUER = "http://127.0.0.1:18080/realms/slate";

    private ConsoleBanner() {}

    /** How to log in: the realm, and either the demo password or where the instance's secrets are. */
    public record Login(URI issuer, Optional<String> demoPassword, Optional<Path> credentialsFile) {}

    public static String render(URI baseUrl, Path home, boolean demo) {
        return render(baseUrl, home, demo, Optional.empty());
    }

    public static String render(URI baseUrl, Path home, boolean demo, Optional<Login> login) {
        StringBuilder out = new StringBuilder("\n");
        out.append("  Slate is up at ").append(DemoQuery.stripSlash(baseUrl)).append('\n');
        out.append("  data: ").append(home.toAbsolutePath()).append(" (embedded PostgreSQL and Redis)\n");
        login.ifPresent(l -> {
            String issuerOption = l.issuer().toString().equals(DEFAULT_ISSUER) ? "" : " --issuer " + l.issuer();
            out.append("\n  Every API call needs a token of the realm ")
                    .append(l.issuer())
                    .append(". Log in:\n");
            if (l.demoPassword().isPresent()) {
                out.append("    ./slate login")
                        .append(issuerOption)
                        .append(" -u alice     (demo users alice/admin, dave/developer,")
                        .append(" vera/viewer, priya/pii-reader; password: ")
                        .append(l.demoPassword().get())
                        .append(")\n");
            } else {
                out.append("    ./slate login").append(issuerOption).append(" -u USER\n");
                l.credentialsFile()
                        .ifPresent(f -> out.append("    (Keycloak admin console ")
                                .append(consoleUrl(l.issuer()))
                                .append(": user and password in ")
                                .append(f)
                                .append("; add users there)\n"));
            }
        });
        if (demo) {
            out.append("\n  The fraud example is deployed. Try:\n");
            out.append("    ").append(DemoQuery.cli(baseUrl)).append('\n');
            out.append("    ").append(DemoQuery.curl(baseUrl)).append('\n');
            DemoQuery.MODES.forEach(line -> out.append("  ").append(line).append('\n'));
        } else {
            out.append("\n  Deploy a project:  ./slate apply DIR\n");
        }
        out.append("\n  Press Ctrl-C to stop.\n\n");
        return out.toString();
    }

    private static String consoleUrl(URI issuer) {
        String text = issuer.toString();
        int realms = text.indexOf("/realms/");
        return (realms < 0 ? text : text.substring(0, realms)) + "/admin/";
    }
}
