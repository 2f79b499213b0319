package dev.slate.appliance.online;

import dev.slate.appliance.health.DependencyProbes;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness view of the online store: always UP. Without Redis a replica still answers every query
 * by computing its features (slower, but correct), so an unreachable Redis must not take every
 * replica out of its Service at once. The state is shown as {@code data.state}: {@code ok}, or
 * {@code degraded} with the reason; {@link OnlineStoreWellness} reports the same probe as DOWN.
 */
@Readiness
@ApplicationScoped
class OnlineStoreReadiness implements AsyncHealthCheck {

    private final DependencyProbes probes;

    OnlineStoreReadiness(DependencyProbes probes) {
        this.probes = probes;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(probes.onlineStore().probe()).map(r -> {
            var b = HealthCheckResponse.named(r.dependency())
                    .up()
                    .withData("kind", "redis")
                    .withData("state", r.up() ? "ok" : "degraded");
            r.error().ifPresent(e -> b.withData("error", e + "; queries are answered by computing every feature"));
            return b.build();
        });
    }
}
