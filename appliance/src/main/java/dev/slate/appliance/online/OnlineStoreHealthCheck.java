package dev.slate.appliance.online;

import dev.slate.storage.spi.OnlineStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the online store answers. */
@Readiness
@ApplicationScoped
class OnlineStoreHealthCheck implements AsyncHealthCheck {

    private final OnlineStore store;

    OnlineStoreHealthCheck(OnlineStore store) {
        this.store = store;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(store::ping)
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(v -> HealthCheckResponse.named("online-store").up().withData("kind", "redis").build())
                .onFailure().recoverWithItem(t -> HealthCheckResponse.named("online-store").down()
                        .withData("kind", "redis").withData("error", t.getClass().getSimpleName()).build());
    }
}
