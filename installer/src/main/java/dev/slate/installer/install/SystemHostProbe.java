package dev.slate.installer.install;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/** The real machine: {@code /proc/meminfo}, the file store, a loopback bind, {@code /proc/1/comm}. */
public final class SystemHostProbe implements HostProbe {

    @Override
    public int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public OptionalLong memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or unreadable: unknown
        }
        return OptionalLong.empty();
    }

    @Override
    public long usableBytes(Path path) {
        Path existing = path.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return 0;
        }
        try {
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String osName() {
        return System.getProperty("os.name", "unknown");
    }

    @Override
    public String arch() {
        return System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    }

    @Override
    public int javaFeatureVersion() {
        return Runtime.version().feature();
    }

    @Override
    public boolean systemdIsInit() {
        try {
            return Files.readString(Path.of("/proc/1/comm"), StandardCharsets.US_ASCII)
                    .strip()
                    .equals("systemd");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
