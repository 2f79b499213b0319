package dev.slate.api.wiring;

import java.util.Optional;

/**
 * Secrets kept by the metadata plane (encrypted at rest), consulted by the data plane's secret
 * resolver after the secrets directory and before configuration. The appliance provides the bean;
 * without one, only the directory and configuration are used. Implementations must not block on I/O
 * and must never log values.
 */
public interface StoredSecrets {

    /** The value of {@code ${secret:name}}, if stored. */
    Optional<String> lookup(String name);
}
