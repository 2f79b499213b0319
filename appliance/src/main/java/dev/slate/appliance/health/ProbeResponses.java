package dev.slate.appliance.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** The one way a {@link ProbeResult} is shown in a health response. */
final class ProbeResponses {

    private ProbeResponses() {}

    /** Named after the dependency, with its time bound, how long the probe took and, when down, why. */
    static HealthCheckResponseBuilder of(ProbeResult r, BoundedProbe probe, boolean status) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(r.dependency())
                .status(status)
                .withData("timeout_ms", probe.timeout().toMillis())
                .withData("took_ms", r.took().toMillis());
        r.error().ifPresent(e -> b.withData("error", e));
        return b;
    }
}
