package dev.slate.installer;

import dev.slate.installer.install.InstallException;
import dev.slate.installer.install.InstallLayout;
import dev.slate.installer.install.ServiceControl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate start|stop|status} of a standalone install (hosts without systemd; the Keycloak unit uses them too). */
final class ServiceCommands {
    private ServiceCommands() {}

    /** The options every one of them has. */
    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        SlateCli root;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--prefix",
                paramLabel = "DIR",
                description = "The install (default: $SLATE_PREFIX, set by PREFIX/bin/slate).")
        Path prefix;

        @Option(names = "--only", paramLabel = "SERVICE", description = "keycloak or appliance (default: both).")
        String only;

        ServiceControl control() {
            Path chosen = prefix != null
                    ? prefix
                    : root.env("SLATE_PREFIX")
                            .map(Path::of)
                            .orElseThrow(() ->
                                    new CliException("which install? give --prefix DIR (or run PREFIX/bin/slate)"));
            try {
                return new ServiceControl(new InstallLayout(chosen), lines());
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
        }

        Consumer<String> lines() {
            PrintWriter out = spec.commandLine().getOut();
            return line -> {
                out.println(line);
                out.flush();
            };
        }

        List<ServiceControl.Service> services() {
            if (only == null) {
                return List.of(ServiceControl.Service.KEYCLOAK, ServiceControl.Service.APPLIANCE);
            }
            return switch (only) {
                case "keycloak" -> List.of(ServiceControl.Service.KEYCLOAK);
                case "appliance" -> List.of(ServiceControl.Service.APPLIANCE);
                default -> throw new CliException("--only must be keycloak or appliance, got '" + only + "'");
            };
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Start Keycloak, then the appliance, of a standalone install; wait until ready.")
    static final class Start extends Base {
        @Option(
                names = "--timeout",
                defaultValue = "600",
                paramLabel = "SECONDS",
                description = "How long to wait (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws InterruptedException {
            try {
                control().start(services(), Duration.ofSeconds(timeoutSeconds));
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop the appliance, then Keycloak, of a standalone install.")
    static final class Stop extends Base {
        @Override
        public Integer call() {
            try {
                control().stop(services());
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Report a standalone install's services. Exit code 0 all ready, 2 running but not ready, 3 stopped."
            })
    static final class Status extends Base {
        @Override
        public Integer call() {
            ServiceControl.Status status = control().status();
            Consumer<String> out = lines();
            out.accept("keycloak   "
                    + (status.keycloakReady() ? "ready" : status.keycloakRunning() ? "starting" : "stopped"));
            out.accept("appliance  "
                    + status.appliancePid()
                            .map(pid -> (status.applianceReady() ? "ready" : "starting") + " (pid " + pid + ")")
                            .orElse("stopped"));
            if (status.allReady()) {
                return 0;
            }
            return status.keycloakRunning() || status.appliancePid().isPresent() ? 2 : 3;
        }
    }
}
