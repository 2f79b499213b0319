package dev.slate.serving.api.wiring;

import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.deploy.BranchChanged;
import dev.slate.serving.model.deploy.EnvironmentRetired;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Swaps the serving snapshot when the metadata plane publishes a newly active deployment. */
@ApplicationScoped
class ServingStateUpdater {

    private static final Logger LOG = Logger.getLogger(ServingStateUpdater.class);

    private final ServingState state;

    ServingStateUpdater(ServingState state) {
        this.state = state;
    }

    void onActivated(@Observes ActiveDeployment deployment) {
        state.install(deployment);
        LOG.infof(
                "environment %s now serves %s v%d (deployment %s, %d features)",
                deployment.environment(),
                deployment.graph().project(),
                deployment.version(),
                deployment.deploymentId(),
                deployment.graph().features().size());
    }

    /** A branch now serves another deployment, or was deleted; what the environment itself serves stays as it is. */
    void onBranch(@Observes BranchChanged changed) {
        if (changed.deployment().isPresent()) {
            ActiveDeployment d = changed.deployment().get();
            state.installBranch(changed.branch(), d, changed.role());
            LOG.infof(
                    "branch %s of environment %s now serves %s v%d (deployment %s)",
                    changed.branch(), changed.environment(), d.graph().project(), d.version(), d.deploymentId());
        } else {
            state.removeBranch(changed.environment(), changed.branch());
            LOG.infof(
                    "branch %s of environment %s was deleted: no longer served",
                    changed.branch(), changed.environment());
        }
    }

    void onRetired(@Observes EnvironmentRetired retired) {
        state.remove(retired.environment());
        LOG.infof("environment %s was deleted: no longer served", retired.environment());
    }
}
