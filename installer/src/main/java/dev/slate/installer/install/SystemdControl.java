package dev.slate.installer.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last install step: where systemd is PID 1 and we may write {@code /etc/systemd/system}, link the
 * units there, reload and {@code enable --now} them; elsewhere leave them in {@code etc/systemd/} and
 * tell the operator to run {@code slate start}.
 */
public interface SystemdControl {
    /** @return whether the services were started by systemd */
    boolean install(InstallLayout layout, Consumer<String> out) throws Exception;

    /** Never touches systemd: for tests and {@code --no-systemd}. */
    static SystemdControl none() {
        return (layout, out) -> {
            out.accept("systemd units written to " + layout.systemdDir() + " (not enabled); start Slate with: "
                    + layout.launcher() + " start");
            return false;
        };
    }

    /** The real one: systemctl, when systemd is the init process and the unit directory is writable. */
    static SystemdControl system(HostProbe probe) {
        return (layout, out) -> {
            Path unitDir = Path.of("/etc/systemd/system");
            if (!probe.systemdIsInit() || !Files.isWritable(unitDir)) {
                return none().install(layout, out);
            }
            for (String unit : List.of(InstallFiles.KEYCLOAK_UNIT, InstallFiles.APPLIANCE_UNIT)) {
                Files.copy(
                        layout.systemdDir().resolve(unit), unitDir.resolve(unit), StandardCopyOption.REPLACE_EXISTING);
            }
            run(List.of("systemctl", "daemon-reload"));
            run(List.of("systemctl", "enable", "--now", InstallFiles.KEYCLOAK_UNIT, InstallFiles.APPLIANCE_UNIT));
            out.accept("systemd: " + InstallFiles.KEYCLOAK_UNIT + " and " + InstallFiles.APPLIANCE_UNIT
                    + " enabled and started");
            return true;
        };
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(660, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new InstallException(String.join(" ", command) + " failed: " + output.strip());
        }
    }
}
