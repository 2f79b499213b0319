package dev.slate.installer.install;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;

/** A host with the answers a test wants (e.g. a full disk, a taken port). */
record FakeHost(
        int cpus,
        OptionalLong memory,
        long usable,
        Set<Integer> takenPorts,
        String osName,
        String arch,
        int java,
        boolean systemd,
        Set<String> tools)
        implements HostProbe {

    static FakeHost good() {
        return new FakeHost(
                4,
                OptionalLong.of(16 * HostRequirements.GIB),
                100 * HostRequirements.GIB,
                Set.of(),
                "Linux",
                "amd64",
                25,
                false,
                Set.of("sh", "setsid"));
    }

    FakeHost withUsable(long bytes) {
        return new FakeHost(cpus, memory, bytes, takenPorts, osName, arch, java, systemd, tools);
    }

    FakeHost withTaken(Integer... ports) {
        return new FakeHost(cpus, memory, usable, Set.of(ports), osName, arch, java, systemd, tools);
    }

    FakeHost withMemory(long bytes) {
        return new FakeHost(cpus, OptionalLong.of(bytes), usable, takenPorts, osName, arch, java, systemd, tools);
    }

    FakeHost withCpus(int n) {
        return new FakeHost(n, memory, usable, takenPorts, osName, arch, java, systemd, tools);
    }

    FakeHost withOs(String os, String architecture) {
        return new FakeHost(cpus, memory, usable, takenPorts, os, architecture, java, systemd, tools);
    }

    FakeHost withJava(int feature) {
        return new FakeHost(cpus, memory, usable, takenPorts, osName, arch, feature, systemd, tools);
    }

    FakeHost withTools(String... names) {
        return new FakeHost(cpus, memory, usable, takenPorts, osName, arch, java, systemd, Set.of(names));
    }

    @Override
    public OptionalLong memoryBytes() {
        return memory;
    }

    @Override
    public long usableBytes(Path path) {
        return usable;
    }

    @Override
    public boolean portFree(int port) {
        return !takenPorts.contains(port);
    }

    @Override
    public int javaFeatureVersion() {
        return java;
    }

    @Override
    public boolean systemdIsInit() {
        return systemd;
    }

    @Override
    public boolean onPath(String command) {
        return tools.contains(command);
    }
}
