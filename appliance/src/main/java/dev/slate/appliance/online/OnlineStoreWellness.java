package dev.slate.appliance.online;

import dev.slate.appliance.health.DependencyProbes;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Wellness ({@code /q/health/well}): DOWN while Redis does not answer {@code PING} within the check's
 * time bound. The replica is then <em>degraded</em>: still ready (see {@link OnlineStoreReadiness}),
 * slower, and {@code slate_dependency_up{dependency="online-store"}} is 0.
 */
@Wellness
@ApplicationScoped
class OnlineStoreWellness implements AsyncHealthCheck {

    private final DependencyProbes probes;

    OnlineStoreWellness(DependencyProbes probes) {
        this.probes = probes;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(probes.onlineStore().probe()).map(r -> {
            var b = HealthCheckResponse.named(r.dependency())
                    .status(r.up())
                    .withData("kind", "redis")
                    .withData("timeout_ms", probes.onlineStore().timeout().toMillis())
                    .withData("took_ms", r.took().toMillis());
            r.error().ifPresent(e -> b.withData("error", e));
            return b.build();
        });
    }
}
