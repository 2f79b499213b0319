package dev.slate.serving.api.wiring;

import java.util.Optional;

/**
 * Secrets kept by the metadata plane (encrypted at rest), one set per environment, consulted by the data
 * plane's secret resolver after the secrets directory and before configuration. The appliance provides the
 * bean; without one, only the directory and configuration are used. Implementations must not block on I/O
 * and must never log values.
 */
public interface StoredSecrets {

    /** The value of {@code ${secret:name}} stored for {@code environment}, if any (never another environment's). */
    Optional<String> lookup(String environment, String name);
}
