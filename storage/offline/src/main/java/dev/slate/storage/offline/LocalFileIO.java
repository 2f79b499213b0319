package dev.slate.storage.offline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Iceberg file access on the local file system (or any mounted one), without Hadoop. Locations are
 * {@code file:/abs/path} (also accepted: {@code file:///abs/path} and plain absolute paths); they are not
 * percent-encoded, so a location and the path it names are the same characters.
 */
public final class LocalFileIO implements FileIO {

    static final String SCHEME = "file:";

    @Override
    public InputFile newInputFile(String location) {
        return org.apache.iceberg.Files.localInput(toPath(location).toFile());
    }

    @Override
    public OutputFile newOutputFile(String location) {
        return org.apache.iceberg.Files.localOutput(toPath(location).toFile());
    }

    @Override
    public void deleteFile(String location) {
        try {
            Files.deleteIfExists(toPath(location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + location, e);
        }
    }

    /** The local path a location names. */
    public static Path toPath(String location) {
        String path = location;
        if (path.startsWith(SCHEME)) {
            path = path.substring(SCHEME.length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
        }
        return Path.of(path);
    }

    /** The location of a local path. */
    public static String toLocation(Path path) {
        return SCHEME + path.toAbsolutePath().normalize();
    }
}
