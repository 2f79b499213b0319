package dev.slate.auth.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The processes of one service of one installation: those whose working directory is {@code directory}
 * (PostgreSQL and Redis change into their data directory, Keycloak is started in its instance directory)
 * and whose command name ({@code /proc/PID/comm}, at most 15 characters) starts with one of {@code commands}
 * ({@code redis-server} selects the bundled {@code redis-server-6.2.6-v5-linux-amd64}, whose name is cut to
 * {@code redis-server-6.}). Another installation has
 * another directory, and processes of other users cannot be inspected, so neither is ever selected.
 * Linux only ({@code /proc}); elsewhere nothing is found.
 */
public record ProcessSelector(String service, Path directory, Set<String> commands) {
    static final Path PROC = Path.of("/proc");

    public ProcessSelector {
        requireNonNull(service, "service is null");
        directory =
                requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        commands = Set.copyOf(commands);
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("commands is empty");
        }
    }

    /** The live processes selected, never the current JVM. */
    public List<ProcessHandle> find() {
        Optional<Path> real = realDirectory();
        if (real.isEmpty() || !Files.isDirectory(PROC)) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != self && matches(pid, real.get())) {
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(found);
    }

    /** Whether {@code pid} is alive and one of this service's processes. */
    public boolean selects(long pid) {
        return realDirectory().map(dir -> matches(pid, dir)).orElse(false);
    }

    private boolean matches(long pid, Path realDirectory) {
        Path proc = PROC.resolve(Long.toString(pid));
        try {
            Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
            if (!cwd.equals(realDirectory)) {
                return false;
            }
            String comm = Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8)
                    .strip();
            return commands.stream().anyMatch(comm::startsWith);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // gone meanwhile, or another user's
        }
    }

    private Optional<Path> realDirectory() {
        try {
            return Optional.of(directory.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isNumber(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The command name of a live process ({@code /proc/PID/comm}). */
    public static Optional<String> commandName(long pid) {
        try {
            return Optional.of(
                    Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8)
                            .strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
