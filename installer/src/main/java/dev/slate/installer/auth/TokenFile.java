package dev.slate.installer.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slate.installer.CliException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The token file ({@code ~/.slate/token}, or {@code $SLATE_TOKEN_FILE}): JSON, readable by its owner
 * only (0600, in a 0700 directory when the CLI creates it), replaced atomically. A file that others may
 * read is refused, like ssh refuses such keys.
 */
public final class TokenFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;

    public TokenFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }

    public Optional<StoredToken> read() {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new CliException(path + " is readable by others (" + PosixFilePermissions.toString(perms)
                        + "); run `chmod 600 " + path + "` or `slate login` again");
            }
            return Optional.of(JSON.readValue(path.toFile(), StoredToken.class));
        } catch (UnsupportedOperationException e) {
            throw new CliException("cannot check the permissions of " + path + " (not a POSIX file system)");
        } catch (IOException e) {
            throw new CliException(
                    "cannot read " + path + " (" + e.getClass().getSimpleName() + "); run `slate login` again");
        }
    }

    public void write(StoredToken token) {
        try {
            Path dir = path.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, ".token", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                JSON.writeValue(tmp.toFile(), token);
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
                try {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException("cannot write " + path + ": " + e.getClass().getSimpleName());
        }
    }

    public boolean delete() {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new CliException("cannot delete " + path + ": " + e.getClass().getSimpleName());
        }
    }
}
