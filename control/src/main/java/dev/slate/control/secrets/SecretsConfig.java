package dev.slate.control.secrets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The encrypted secret store ({@code slate.secrets.*}): the operator's AES-256 key (base64 of 32 bytes),
 * given inline or as a file, plus the keys it replaced, which are only used to decrypt during a rotation.
 */
@ConfigMapping(prefix = "slate.secrets")
public interface SecretsConfig {

    /** The current key, base64 (32 bytes). Takes precedence over {@link #keyFile()}. */
    Optional<String> key();

    /** A file holding the current key, base64 (e.g. a mounted Kubernetes Secret). */
    Optional<Path> keyFile();

    /** Earlier keys, base64, still accepted for decryption until every secret is re-encrypted. */
    Optional<List<String>> previousKeys();

    /** How often each replica re-reads the (encrypted) secrets table to see changes made through other replicas. */
    @WithDefault("5s")
    Duration refreshInterval();
}
