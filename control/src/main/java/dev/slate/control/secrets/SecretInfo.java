package dev.slate.control.secrets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** What may be shown about a stored secret: never its value. */
public record SecretInfo(String name, String keyId, Instant updatedAt, Optional<String> updatedBy) {
    public SecretInfo {
        requireNonNull(name, "name is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
