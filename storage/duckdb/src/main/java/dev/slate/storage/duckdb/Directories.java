package dev.slate.storage.duckdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** Removal of a working directory (DuckDB temp and staging directories, job work areas). */
public final class Directories {

    private Directories() {}

    /**
     * Removes {@code dir} and everything below it, deepest first; symbolic links are removed, never followed.
     * A directory that does not exist counts as removed.
     *
     * @return true when nothing of it is left, false when some file could not be removed (the caller decides
     *         whether a leftover matters)
     */
    public static boolean deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        AtomicBoolean complete = new AtomicBoolean(true);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    complete.set(false);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        return complete.get();
    }
}
