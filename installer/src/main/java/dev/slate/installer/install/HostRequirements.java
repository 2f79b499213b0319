package dev.slate.installer.install;

import java.util.List;

/**
 * The minimum a standalone host needs (docs/install.md, "Standalone host"). Below a minimum the install
 * is refused; below a recommendation preflight warns.
 *
 * @param ports the loopback ports Slate listens on: appliance HTTP, Keycloak, embedded PostgreSQL, embedded Redis
 */
public record HostRequirements(
        int minCpus,
        int recommendedCpus,
        long minMemoryBytes,
        long recommendedMemoryBytes,
        long minFreeDiskBytes,
        int httpPort,
        int authPort,
        int postgresPort,
        int redisPort) {

    public static final long GIB = 1024L * 1024 * 1024;
    public static final long MIB = 1024L * 1024;
    /** Below this the disk counts as full, whatever the requirement. */
    public static final long FULL_DISK_BYTES = 64 * MIB;

    public static HostRequirements defaults() {
        return new HostRequirements(1, 2, 2 * GIB, 4 * GIB, 3 * GIB, 8080, 18080, 15432, 16379);
    }

    public HostRequirements withPorts(int http, int auth) {
        return new HostRequirements(
                minCpus,
                recommendedCpus,
                minMemoryBytes,
                recommendedMemoryBytes,
                minFreeDiskBytes,
                http,
                auth,
                postgresPort,
                redisPort);
    }

    public HostRequirements withMinFreeDisk(long bytes) {
        return new HostRequirements(
                minCpus,
                recommendedCpus,
                minMemoryBytes,
                recommendedMemoryBytes,
                bytes,
                httpPort,
                authPort,
                postgresPort,
                redisPort);
    }

    List<Integer> requiredPorts() {
        return List.of(httpPort, authPort);
    }

    /** PostgreSQL and Redis move to a free port when theirs is taken: a warning, not a failure. */
    List<Integer> preferredPorts() {
        return List.of(postgresPort, redisPort);
    }
}
