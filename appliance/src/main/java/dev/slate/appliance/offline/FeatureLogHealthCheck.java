package dev.slate.appliance.offline;

import dev.slate.serving.featurelog.FeatureLog;
import dev.slate.serving.featurelog.FeatureLogStats;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The feature log's backlog, in the <em>wellness</em> group ({@code /q/health/well}), not readiness:
 * serving never depends on the offline store, so a slow or unavailable one must not take a replica out
 * of its Service. DOWN while the offline store refuses values or values are being dropped.
 */
@Wellness
@ApplicationScoped
class FeatureLogHealthCheck implements HealthCheck {

    private final Optional<FeatureLog> log;
    private volatile long droppedAtLastCheck = -1;

    FeatureLogHealthCheck(Optional<FeatureLog> log) {
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("feature-log");
        if (log.isEmpty()) {
            return r.up().withData("enabled", false).build();
        }
        FeatureLogStats s = log.get().stats();
        boolean droppingNow = droppedAtLastCheck >= 0 && s.droppedValues() > droppedAtLastCheck;
        droppedAtLastCheck = s.droppedValues();
        r.withData("queued_values", s.queuedValues())
                .withData("pending_segments", s.pendingSegments())
                .withData("pending_bytes", s.pendingBytes())
                .withData("shipped_values", s.shippedValues())
                .withData("dropped_values", s.droppedValues());
        s.lastShippedAt().ifPresent(t -> r.withData("last_shipped_at", t.toString()));
        s.lastShipError().ifPresent(e -> r.withData("error", e));
        return r.status(s.lastShipError().isEmpty() && !droppingNow).build();
    }
}
