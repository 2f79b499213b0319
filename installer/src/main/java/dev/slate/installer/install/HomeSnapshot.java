package dev.slate.installer.install;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Set;

/**
 * The files of the Slate home an upgrade keeps a copy of, taken while the services are stopped: Keycloak's data,
 * the offline store ({@code offline/}), {@code secrets.key} and the rest, except what is rebuilt or not data
 * ({@code pg/} and {@code redis/}, which have backups of their own; {@code runtime/}, {@code logs/}, {@code run/}).
 * The offline store's Parquet, Avro and Iceberg metadata files are never changed once written, so they are hard
 * linked (cheap and as good as a copy); every other file is copied.
 */
public final class HomeSnapshot {
    /** Top-level entries of the home that a snapshot leaves out. */
    static final Set<String> LEFT_OUT = Set.of("pg", "redis", "runtime", "logs", "run");

    private HomeSnapshot() {}

    /** Takes a snapshot of {@code home} into {@code target} (which must not exist). */
    public static void take(Path home, Path target) throws IOException {
        copy(home, target, true);
    }

    /** Puts a snapshot back: every snapshotted entry of {@code home} is replaced by the snapshot's. */
    public static void restore(Path snapshot, Path home) throws IOException {
        Files.createDirectories(home);
        try (var entries = Files.list(home)) {
            for (Path entry : entries.toList()) {
                if (!LEFT_OUT.contains(entry.getFileName().toString())) {
                    StandaloneInstaller.deleteTree(entry);
                }
            }
        }
        // hard links again: the snapshot stays intact for a later restore
        copy(snapshot, home, false);
    }

    private static void copy(Path from, Path to, boolean skipLeftOut) throws IOException {
        Files.createDirectories(to);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(dir);
                if (skipLeftOut && relative.getNameCount() == 1 && LEFT_OUT.contains(relative.toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(relative.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(file);
                if (skipLeftOut && relative.getNameCount() == 1 && LEFT_OUT.contains(relative.toString())) {
                    return FileVisitResult.CONTINUE;
                }
                Path target = to.resolve(relative.toString());
                if (immutable(relative) && attrs.isRegularFile()) {
                    try {
                        Files.createLink(target, file);
                        return FileVisitResult.CONTINUE;
                    } catch (UnsupportedOperationException | IOException e) {
                        // another file system: copy
                    }
                }
                Files.copy(
                        file,
                        target,
                        StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean immutable(Path relative) {
        String name = relative.getFileName().toString().toLowerCase(Locale.ROOT);
        return relative.startsWith("offline")
                && (name.endsWith(".parquet") || name.endsWith(".avro") || name.endsWith(".metadata.json"));
    }
}
