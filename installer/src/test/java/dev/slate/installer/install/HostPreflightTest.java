package dev.slate.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPreflightTest {
    private static final Path PREFIX = Path.of("/opt/slate");

    private static List<PreflightCheck> run(FakeHost host) {
        return new HostPreflight(host, HostRequirements.defaults()).run(PREFIX, false, false);
    }

    private static PreflightCheck check(List<PreflightCheck> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aGoodHostPasses() {
        List<PreflightCheck> checks = run(FakeHost.good());
        assertThat(HostPreflight.passed(checks)).isTrue();
        assertThat(checks)
                .extracting(PreflightCheck::name)
                .containsExactly(
                        "cpu",
                        "memory",
                        "disk",
                        "port 8080",
                        "port 18080",
                        "port 15432",
                        "port 16379",
                        "os",
                        "arch",
                        "java",
                        "tool sh",
                        "tool setsid",
                        "init");
        assertThat(checks).allMatch(c -> c.status() == PreflightCheck.Status.OK);
        assertThat(check(checks, "init").detail()).contains("slate start");
    }

    @Test
    void tooLittleDiskAndAFullDiskFail() {
        List<PreflightCheck> small = run(FakeHost.good().withUsable(HostRequirements.GIB));
        assertThat(HostPreflight.passed(small)).isFalse();
        assertThat(check(small, "disk").detail()).isEqualTo("1.0 GiB free at /opt/slate; at least 3.0 GiB needed");

        List<PreflightCheck> full = run(FakeHost.good().withUsable(10 * HostRequirements.MIB));
        assertThat(check(full, "disk").status()).isEqualTo(PreflightCheck.Status.FAIL);
        assertThat(check(full, "disk").detail()).contains("is full (10 MiB free)");
    }

    @Test
    void takenPortsFailForSlateAndWarnForTheEmbeddedServices() {
        List<PreflightCheck> checks = run(FakeHost.good().withTaken(8080, 15432));
        assertThat(check(checks, "port 8080").status()).isEqualTo(PreflightCheck.Status.FAIL);
        assertThat(check(checks, "port 15432").status()).isEqualTo(PreflightCheck.Status.WARN);
        assertThat(check(checks, "port 18080").status()).isEqualTo(PreflightCheck.Status.OK);
        assertThat(new HostPreflight(FakeHost.good().withTaken(8080), HostRequirements.defaults())
                        .run(PREFIX, false, true))
                .as("the install's own running services")
                .allMatch(c -> c.status() == PreflightCheck.Status.OK);
    }

    @Test
    void memoryCpuOsArchJavaAndTools() {
        assertThat(check(run(FakeHost.good().withMemory(HostRequirements.GIB)), "memory")
                        .status())
                .isEqualTo(PreflightCheck.Status.FAIL);
        assertThat(check(run(FakeHost.good().withMemory(3 * HostRequirements.GIB)), "memory")
                        .status())
                .isEqualTo(PreflightCheck.Status.WARN);
        assertThat(check(run(FakeHost.good().withCpus(1)), "cpu").status()).isEqualTo(PreflightCheck.Status.WARN);
        assertThat(check(run(FakeHost.good().withOs("Mac OS X", "aarch64")), "os")
                        .status())
                .isEqualTo(PreflightCheck.Status.FAIL);
        assertThat(check(run(FakeHost.good().withOs("Linux", "aarch64")), "arch")
                        .status())
                .isEqualTo(PreflightCheck.Status.FAIL);
        assertThat(check(run(FakeHost.good().withJava(21)), "java").detail()).contains("Java 21; Slate needs 25");
        assertThat(check(
                                new HostPreflight(FakeHost.good().withJava(17), HostRequirements.defaults())
                                        .run(PREFIX, true, false),
                                "java")
                        .status())
                .as("a bundled JRE")
                .isEqualTo(PreflightCheck.Status.OK);
        assertThat(check(run(FakeHost.good().withTools("sh")), "tool setsid").status())
                .isEqualTo(PreflightCheck.Status.FAIL);
    }
}
