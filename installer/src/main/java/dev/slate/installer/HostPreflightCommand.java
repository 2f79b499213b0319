package dev.slate.installer;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.slate.installer.install.HostPreflight;
import dev.slate.installer.install.HostRequirements;
import dev.slate.installer.install.PreflightCheck;
import dev.slate.installer.install.SystemHostProbe;
import dev.slate.installer.render.Table;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "preflight",
        mixinStandardHelpOptions = true,
        description = {
            "Check this host for a standalone install (--host): CPU, memory, free disk at --prefix, ports, OS, Java.",
            "Exit code 0 when nothing fails (warnings allowed), 1 otherwise."
        })
final class HostPreflightCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--host",
            required = true,
            description = "Check this host (a Kubernetes cluster: slate preflight --cluster, docs/install.md).")
    boolean host;

    @Option(
            names = "--prefix",
            defaultValue = "/opt/slate",
            paramLabel = "DIR",
            description = "Install prefix (default: ${DEFAULT-VALUE}).")
    Path prefix;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "N",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--auth-port",
            defaultValue = "18080",
            paramLabel = "N",
            description = "Keycloak port (default: ${DEFAULT-VALUE}).")
    int authPort;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean bundledJre = Files.isExecutable(prefix.resolve("jre/bin/java"));
        List<PreflightCheck> checks = new HostPreflight(
                        new SystemHostProbe(), HostRequirements.defaults().withPorts(port, authPort))
                .run(prefix.toAbsolutePath().normalize(), bundledJre, false);
        if (root.json()) {
            try {
                out.println(root.mapper().writeValueAsString(checks));
            } catch (JsonProcessingException e) {
                throw new CliException("cannot render the checks: " + e.getMessage());
            }
        } else {
            Table table = Table.spaced("CHECK", "STATUS", "DETAIL");
            checks.forEach(c -> table.row(c.name(), c.status().name(), c.detail()));
            out.print(table.render());
            out.println(
                    HostPreflight.passed(checks)
                            ? "Preflight passed."
                            : "Preflight FAILED: fix the FAIL lines before installing.");
        }
        return HostPreflight.passed(checks) ? 0 : 1;
    }
}
