package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a standalone install is configured with; written to {@code etc/slate.env}.
 *
 * @param java the java binary the services run with (the install's {@code jre/bin/java} when it has one)
 * @param demo seed the example project and import Keycloak's demo users (for trials and tests)
 * @param external the external PostgreSQL and Redis to use instead of the embedded ones
 */
public record InstallSettings(
        int httpPort, int authPort, Path java, boolean demo, Optional<ExternalDatabases> external) {
    public InstallSettings(int httpPort, int authPort, Path java, boolean demo) {
        this(httpPort, authPort, java, demo, Optional.empty());
    }

    public InstallSettings {
        requireNonNull(java, "java is null");
        requireNonNull(external, "external is null");
        for (int port : new int[] {httpPort, authPort}) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, got " + port);
            }
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + authPort + "/realms/slate";
    }
}
