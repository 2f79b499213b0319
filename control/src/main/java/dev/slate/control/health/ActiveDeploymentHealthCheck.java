package dev.slate.control.health;

import dev.slate.control.deploy.ActiveDeploymentPublisher;
import dev.slate.control.deploy.EnvironmentSnapshot;
import dev.slate.serving.model.deploy.ActiveDeployment;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the metadata plane: each environment's active deployment (id, version, project). UP
 * when no environment has an active deployment yet; DOWN until the active deployments have been read
 * from the database once, and while an environment's active deployment cannot be served (the
 * previous one keeps serving). The database itself is checked by Quarkus' datasource checks.
 */
@Readiness
@ApplicationScoped
public class ActiveDeploymentHealthCheck implements HealthCheck {
    static final String NAME = "Slate active deployments";

    private final ActiveDeploymentPublisher publisher;

    ActiveDeploymentHealthCheck(ActiveDeploymentPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        boolean up = publisher.loaded();
        if (!up) {
            response.withData("error", "the active deployments have not been read from the metadata database yet");
        }
        for (Map.Entry<String, EnvironmentSnapshot> entry :
                publisher.environments().entrySet()) {
            String environment = entry.getKey();
            EnvironmentSnapshot snapshot = entry.getValue();
            if (snapshot.active().isPresent()) {
                ActiveDeployment active = snapshot.active().get();
                response.withData(environment + ".deployment_id", active.deploymentId());
                response.withData(environment + ".version", active.version());
                response.withData(environment + ".project", active.graph().project());
            }
            if (snapshot.failure().isPresent()) {
                up = false;
                var failure = snapshot.failure().get();
                response.withData(
                        environment + ".error",
                        "active deployment " + failure.deploymentId() + " (version " + failure.version()
                                + ") cannot be served: " + failure.reason()
                                + (snapshot.active().isPresent()
                                        ? "; still serving the previous one"
                                        : "; nothing is served"));
            }
        }
        return response.status(up).build();
    }
}
