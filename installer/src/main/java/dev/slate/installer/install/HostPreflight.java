package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Checks a host for a standalone install at a prefix: CPU, memory, free disk at the prefix (a full disk
 * is named as such), the ports, OS and architecture, a Java 25+ (or the bundle's JRE), and the tools the
 * process supervision needs ({@code sh}, {@code setsid}).
 */
public final class HostPreflight {
    private final HostProbe probe;
    private final HostRequirements requirements;

    public HostPreflight(HostProbe probe, HostRequirements requirements) {
        this.probe = requireNonNull(probe, "probe is null");
        this.requirements = requireNonNull(requirements, "requirements is null");
    }

    /**
     * @param prefix where Slate will be installed
     * @param bundledJre whether the install brings its own JRE (then the host's Java does not matter)
     * @param runningInstall whether Slate of this prefix already runs (its ports are then taken by itself)
     */
    public List<PreflightCheck> run(Path prefix, boolean bundledJre, boolean runningInstall) {
        List<PreflightCheck> checks = new ArrayList<>();
        int cpus = probe.cpus();
        checks.add(
                cpus < requirements.minCpus()
                        ? PreflightCheck.fail("cpu", cpus + " CPUs; at least " + requirements.minCpus() + " needed")
                        : cpus < requirements.recommendedCpus()
                                ? PreflightCheck.warn(
                                        "cpu", cpus + " CPU; " + requirements.recommendedCpus() + " recommended")
                                : PreflightCheck.ok("cpu", cpus + " CPUs"));

        OptionalLong memory = probe.memoryBytes();
        if (memory.isEmpty()) {
            checks.add(PreflightCheck.warn(
                    "memory",
                    "unknown (no /proc/meminfo); " + gib(requirements.recommendedMemoryBytes()) + " recommended"));
        } else if (memory.getAsLong() < requirements.minMemoryBytes()) {
            checks.add(PreflightCheck.fail(
                    "memory",
                    gib(memory.getAsLong()) + "; at least " + gib(requirements.minMemoryBytes()) + " needed"));
        } else if (memory.getAsLong() < requirements.recommendedMemoryBytes()) {
            checks.add(PreflightCheck.warn(
                    "memory",
                    gib(memory.getAsLong()) + "; " + gib(requirements.recommendedMemoryBytes()) + " recommended"));
        } else {
            checks.add(PreflightCheck.ok("memory", gib(memory.getAsLong())));
        }

        long free = probe.usableBytes(prefix);
        if (free < HostRequirements.FULL_DISK_BYTES) {
            checks.add(PreflightCheck.fail("disk", "the disk holding " + prefix + " is full (" + mib(free) + " free)"));
        } else if (free < requirements.minFreeDiskBytes()) {
            checks.add(PreflightCheck.fail(
                    "disk",
                    gib(free) + " free at " + prefix + "; at least " + gib(requirements.minFreeDiskBytes())
                            + " needed"));
        } else {
            checks.add(PreflightCheck.ok("disk", gib(free) + " free at " + prefix));
        }

        for (int port : requirements.requiredPorts()) {
            checks.add(
                    probe.portFree(port)
                            ? PreflightCheck.ok("port " + port, "free on 127.0.0.1")
                            : runningInstall
                                    ? PreflightCheck.ok("port " + port, "in use by this installation")
                                    : PreflightCheck.fail(
                                            "port " + port,
                                            "in use on 127.0.0.1; stop what uses it or choose another port"));
        }
        for (int port : requirements.preferredPorts()) {
            checks.add(
                    probe.portFree(port) || runningInstall
                            ? PreflightCheck.ok("port " + port, "free on 127.0.0.1")
                            : PreflightCheck.warn(
                                    "port " + port, "in use; the embedded service will take a free port instead"));
        }

        String os = probe.osName();
        checks.add(
                os.toLowerCase(Locale.ROOT).startsWith("linux")
                        ? PreflightCheck.ok("os", os)
                        : PreflightCheck.fail("os", os + "; the standalone appliance runs on Linux only"));
        String arch = probe.arch();
        checks.add(
                arch.equals("amd64") || arch.equals("x86_64")
                        ? PreflightCheck.ok("arch", arch)
                        : PreflightCheck.fail(
                                "arch", arch + "; the embedded PostgreSQL and Redis are built for amd64 only"));

        if (bundledJre) {
            checks.add(PreflightCheck.ok("java", "the bundle's JRE"));
        } else {
            int java = probe.javaFeatureVersion();
            checks.add(
                    java >= 25
                            ? PreflightCheck.ok("java", "Java " + java)
                            : PreflightCheck.fail(
                                    "java",
                                    "Java " + java
                                            + "; Slate needs 25 or newer (or install from a bundle with its JRE)"));
        }
        for (String tool : List.of("sh", "setsid")) {
            checks.add(
                    probe.onPath(tool)
                            ? PreflightCheck.ok("tool " + tool, "on PATH")
                            : PreflightCheck.fail("tool " + tool, "missing; install util-linux / a POSIX shell"));
        }
        checks.add(
                probe.systemdIsInit()
                        ? PreflightCheck.ok("init", "systemd (units are installed and started)")
                        : PreflightCheck.ok("init", "no systemd as PID 1 (unit files are written; run slate start)"));
        return List.copyOf(checks);
    }

    public static boolean passed(List<PreflightCheck> checks) {
        return checks.stream().noneMatch(c -> c.status() == PreflightCheck.Status.FAIL);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) HostRequirements.GIB);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes / HostRequirements.MIB);
    }
}
