package dev.slate.installer.up;

import dev.slate.installer.CliException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the packaged appliance ({@code appliance/target/quarkus-app/quarkus-run.jar}) of a Slate
 * checkout: under {@code $SLATE_REPO} when set, else relative to where the CLI itself was loaded from
 * ({@code installer/target/…}).
 */
public final class ApplianceLocator {
    static final Path RELATIVE_JAR = Path.of("appliance", "target", "quarkus-app", "quarkus-run.jar");

    private ApplianceLocator() {}

    /**
     * @param slateRepo the {@code SLATE_REPO} environment variable, if set
     * @param cliLocation where the CLI classes were loaded from (a jar or a classes directory), if known
     * @throws CliException when no candidate exists, naming every place looked at
     */
    public static Path locate(Optional<String> slateRepo, Optional<Path> cliLocation) {
        List<Path> candidates = candidates(slateRepo, cliLocation);
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        StringBuilder message = new StringBuilder("cannot find the packaged appliance; looked at:");
        candidates.forEach(c -> message.append("\n  ").append(c));
        if (candidates.isEmpty()) {
            message.append("\n  (nowhere: set SLATE_REPO to the Slate checkout)");
        }
        message.append("\nBuild it with `./mvnw -B -DskipTests install` in the Slate checkout"
                + " (the ./slate launcher does this on first use).");
        throw new CliException(message.toString());
    }

    static List<Path> candidates(Optional<String> slateRepo, Optional<Path> cliLocation) {
        List<Path> candidates = new ArrayList<>();
        slateRepo
                .filter(s -> !s.isBlank())
                .ifPresent(repo -> candidates.add(Path.of(repo).resolve(RELATIVE_JAR)));
        cliLocation.ifPresent(location -> {
            // installer/target/slate-installer.jar or installer/target/classes -> the checkout is three levels up
            Path checkout = location.toAbsolutePath().normalize().getParent();
            for (int i = 0; i < 2 && checkout != null; i++) {
                checkout = checkout.getParent();
            }
            if (checkout != null) {
                Path candidate = checkout.resolve(RELATIVE_JAR);
                if (!candidates.contains(candidate)) {
                    candidates.add(candidate);
                }
            }
        });
        return candidates;
    }

    /** Where the given class was loaded from, when the JVM says so. */
    public static Optional<Path> codeLocation(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
