package dev.slate.installer.install;

import java.nio.file.Path;
import java.util.OptionalLong;

/** What host preflight asks of the machine; tests give their own answers (e.g. a full disk). */
public interface HostProbe {
    int cpus();

    /** Total memory in bytes, when known. */
    OptionalLong memoryBytes();

    /** Usable bytes on the file system that holds {@code path} (or its nearest existing parent). */
    long usableBytes(Path path);

    boolean portFree(int port);

    String osName();

    String arch();

    /** The feature version of the Java that would run Slate ({@code 21} for 21.0.4). */
    int javaFeatureVersion();

    /** Whether systemd is the init process (PID 1). */
    boolean systemdIsInit();

    /** Whether {@code command} is on the PATH. */
    boolean onPath(String command);
}
