package dev.slate.appliance.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of one probe of a dependency.
 *
 * @param error why it is down (never a secret: an exception type and message, or the time bound)
 */
public record ProbeResult(String dependency, boolean up, Duration took, Optional<String> error, Instant at) {
    public ProbeResult {
        requireNonNull(dependency, "dependency is null");
        requireNonNull(took, "took is null");
        requireNonNull(error, "error is null");
        requireNonNull(at, "at is null");
    }
}
