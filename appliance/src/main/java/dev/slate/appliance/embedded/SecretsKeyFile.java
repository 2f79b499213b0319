package dev.slate.appliance.embedded;

import static java.util.Objects.requireNonNull;

import dev.slate.control.secrets.SecretKeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The standalone appliance's key for the encrypted secret store: unless the operator gives one
 * ({@code slate.secrets.key} or {@code slate.secrets.key-file}, as system properties or as the
 * environment variables {@code SLATE_SECRETS_KEY} / {@code SLATE_SECRETS_KEY_FILE}), the first start
 * writes a random AES-256 key (base64 of 32 bytes) to {@code HOME/secrets.key}, readable by its owner
 * only (0600), and every later start reuses it. The key is never printed or logged: only the file's path.
 */
public final class SecretsKeyFile {

    public static final String FILE_NAME = "secrets.key";
    /** The setting that points the appliance at the file. */
    public static final String KEY_FILE_PROPERTY = "slate.secrets.key-file";

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final List<String> OPERATOR_SETTINGS = List.of("slate.secrets.key", KEY_FILE_PROPERTY);
    private static final Logger LOG = Logger.getLogger(SecretsKeyFile.class);

    /** What {@link #resolve} decided. */
    public sealed interface Outcome {
        /** The operator configured a key: nothing was generated or read. */
        record OperatorKey(String setting) implements Outcome {}

        /** The key file to use; {@code created} on the first start. */
        record KeyFile(Path file, boolean created) implements Outcome {}
    }

    private SecretsKeyFile() {}

    /**
     * Finds or creates the key file under {@code home}, unless the operator configured a key.
     *
     * @param properties system properties by name
     * @param environment environment variables by name
     * @throws IllegalStateException when the file cannot be created or read, or does not hold a key
     *     (the message names the file, never its content)
     */
    public static Outcome resolve(
            Path home, Function<String, String> properties, Function<String, String> environment) {
        requireNonNull(home, "home is null");
        for (String setting : OPERATOR_SETTINGS) {
            if (present(properties.apply(setting))) {
                return new Outcome.OperatorKey(setting);
            }
            String env = EmbeddedSettings.envName(setting);
            if (present(environment.apply(env))) {
                return new Outcome.OperatorKey(env);
            }
        }
        Path file = home.toAbsolutePath().normalize().resolve(FILE_NAME);
        try {
            boolean created = false;
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                created = create(file);
            }
            check(file);
            return new Outcome.KeyFile(file, created);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the secrets key file " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /**
     * Resolves the key for the running JVM and, when a file is used, sets {@link #KEY_FILE_PROPERTY}
     * as a system property so the appliance's configuration reads it.
     */
    static Outcome apply(Path home) {
        Outcome outcome = resolve(home, System::getProperty, System::getenv);
        switch (outcome) {
            case Outcome.OperatorKey k -> LOG.infof("Secrets: using the key the operator configured (%s)", k.setting());
            case Outcome.KeyFile f -> {
                System.setProperty(KEY_FILE_PROPERTY, f.file().toString());
                LOG.infof(
                        f.created()
                                ? "Secrets: generated a new key in %s (mode 0600; back it up, the stored secrets cannot be read without it)"
                                : "Secrets: using the key in %s",
                        f.file());
            }
        }
        return outcome;
    }

    /** Writes a fresh key to a private temporary file, then links it into place: no one ever sees a partial key or a readable one. */
    private static boolean create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(
                file.getParent(), ".secrets-key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(
                    tmp,
                    SecretKeyRing.generateKey() + "\n",
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.SYNC);
            try {
                // a link, unlike a rename, never replaces a file another process created meanwhile
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file); // no hard links here: a plain move, which refuses an existing file too
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A regular file holding a usable key; a file others could read is narrowed to 0600 with a warning. */
    private static void check(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(
                    file + " is not a regular file; remove it, or give a key with SLATE_SECRETS_KEY_FILE");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(mode)) {
            LOG.warnf(
                    "Secrets: %s was readable or writable by others (%s); narrowed to rw------- (consider the key exposed and rotate it,"
                            + " see docs/security.md)",
                    file, PosixFilePermissions.toString(mode));
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        SecretKeyRing.checkKey(
                Files.readString(file, StandardCharsets.US_ASCII), KEY_FILE_PROPERTY + " (" + file + ")");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
