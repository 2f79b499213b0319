package dev.slate.installer.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Objects;

/**
 * How far a live object is from ready, read from its status as the API server reports it: workloads by their
 * ready replicas against those wanted (and the rollout having seen the newest spec), Jobs by success or failure;
 * other kinds are ready when they exist.
 */
public record Readiness(State state, String detail) {
    /** Ready, still on its way, or failed for good. */
    public enum State {
        READY,
        PROGRESSING,
        FAILED,
        MISSING
    }

    public static Readiness of(HasMetadata live) {
        if (live == null) {
            return new Readiness(State.MISSING, "not found");
        }
        return switch (live) {
            case Deployment d -> deployment(d);
            case StatefulSet s ->
                replicas(
                        s.getSpec().getReplicas(),
                        s.getStatus() == null ? null : s.getStatus().getReadyReplicas(),
                        s.getMetadata().getGeneration(),
                        s.getStatus() == null ? null : s.getStatus().getObservedGeneration());
            case Job j -> job(j);
            default -> new Readiness(State.READY, "exists");
        };
    }

    private static Readiness deployment(Deployment d) {
        List<DeploymentCondition> conditions =
                d.getStatus() == null || d.getStatus().getConditions() == null
                        ? List.of()
                        : d.getStatus().getConditions();
        for (DeploymentCondition condition : conditions) {
            if ("Progressing".equals(condition.getType())
                    && "False".equals(condition.getStatus())
                    && "ProgressDeadlineExceeded".equals(condition.getReason())) {
                return new Readiness(
                        State.FAILED,
                        "rollout failed (ProgressDeadlineExceeded): "
                                + Objects.requireNonNullElse(condition.getMessage(), ""));
            }
        }
        return replicas(
                d.getSpec().getReplicas(),
                d.getStatus() == null ? null : d.getStatus().getReadyReplicas(),
                d.getMetadata().getGeneration(),
                d.getStatus() == null ? null : d.getStatus().getObservedGeneration());
    }

    private static Readiness replicas(Integer wanted, Integer ready, Long generation, Long observed) {
        int want = wanted == null ? 1 : wanted; // an autoscaled Deployment has none: at least one pod
        int have = ready == null ? 0 : ready;
        if (generation != null && observed != null && observed < generation) {
            return new Readiness(State.PROGRESSING, "rollout of generation " + generation + " not observed yet");
        }
        return have >= want
                ? new Readiness(State.READY, have + "/" + want + " ready")
                : new Readiness(State.PROGRESSING, have + "/" + want + " ready");
    }

    private static Readiness job(Job job) {
        if (job.getStatus() == null) {
            return new Readiness(State.PROGRESSING, "not started");
        }
        if (job.getStatus().getConditions() != null) {
            for (JobCondition condition : job.getStatus().getConditions()) {
                if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                    return new Readiness(
                            State.FAILED,
                            "failed: " + Objects.requireNonNullElse(condition.getReason(), "")
                                    + (condition.getMessage() == null ? "" : " " + condition.getMessage()));
                }
            }
        }
        Integer succeeded = job.getStatus().getSucceeded();
        if (succeeded != null && succeeded >= 1) {
            return new Readiness(State.READY, "succeeded");
        }
        Integer failed = job.getStatus().getFailed();
        Integer limit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
        if (failed != null && failed > (limit == null ? 6 : limit)) {
            return new Readiness(State.FAILED, "failed: " + failed + " pod(s) failed");
        }
        return new Readiness(State.PROGRESSING, "running");
    }
}
