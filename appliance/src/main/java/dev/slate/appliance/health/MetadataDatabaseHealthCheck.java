package dev.slate.appliance.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the metadata database (PostgreSQL) answers {@code SELECT 1} within the check's time
 * bound. Replaces Quarkus' own datasource checks, which had none: with the database frozen they held
 * {@code /q/health/ready} until it came back.
 */
@Readiness
@ApplicationScoped
class MetadataDatabaseHealthCheck implements AsyncHealthCheck {

    private final DependencyProbes probes;

    MetadataDatabaseHealthCheck(DependencyProbes probes) {
        this.probes = probes;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom()
                .completionStage(probes.metadataDatabase().probe())
                .map(r -> ProbeResponses.of(r, probes.metadataDatabase(), r.up())
                        .withData("kind", "postgresql")
                        .build());
    }
}
