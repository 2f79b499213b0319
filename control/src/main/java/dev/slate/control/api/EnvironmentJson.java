package dev.slate.control.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentCondition;
import dev.slate.control.env.EnvironmentStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An environment on the wire (docs/specs/rest-contract.md, "Environments"). */
@JsonPropertyOrder({
    "name",
    "description",
    "mode",
    "replicas",
    "max_replicas",
    "online_namespace",
    "online_database",
    "offline_namespace",
    "offline_table_namespace",
    "active_deployment_id",
    "generation",
    "created_at",
    "created_by",
    "updated_at",
    "status"
})
public record EnvironmentJson(
        String name,
        String description,
        String mode,
        int replicas,
        @JsonProperty("max_replicas") Integer maxReplicas,
        @JsonProperty("online_namespace") String onlineNamespace,
        @JsonProperty("online_database") Integer onlineDatabase,
        @JsonProperty("offline_namespace") String offlineNamespace,
        @JsonProperty("offline_table_namespace") String offlineTableNamespace,
        @JsonProperty("active_deployment_id") String activeDeploymentId,
        long generation,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("created_by") String createdBy,
        @JsonProperty("updated_at") String updatedAt,
        StatusJson status) {

    /**
     * What serves the environment: {@code state} is {@code STANDALONE} (this process serves it; no cluster),
     * {@code PENDING} (not reconciled yet), {@code PROGRESSING} (the cluster has not caught up with the
     * generation, or replicas are not ready), {@code READY} or {@code FAILED} (the last reconciliation failed).
     */
    @JsonPropertyOrder({"state", "observed_generation", "ready_replicas", "conditions", "updated_at"})
    public record StatusJson(
            String state,
            @JsonProperty("observed_generation") Long observedGeneration,
            @JsonProperty("ready_replicas") Integer readyReplicas,
            List<ConditionJson> conditions,
            @JsonProperty("updated_at") String updatedAt) {}

    @JsonPropertyOrder({"type", "status", "reason", "message", "last_transition_time"})
    public record ConditionJson(
            String type,
            String status,
            String reason,
            String message,
            @JsonProperty("last_transition_time") String lastTransitionTime) {
        static ConditionJson of(EnvironmentCondition c) {
            return new ConditionJson(
                    c.type(),
                    c.status(),
                    c.reason(),
                    c.message(),
                    c.lastTransitionTime().toString());
        }
    }

    public record EnvironmentListJson(List<EnvironmentJson> environments) {}

    static EnvironmentJson of(Environment e, boolean cluster) {
        return new EnvironmentJson(
                e.name(),
                e.spec().description(),
                e.spec().mode().code(),
                e.spec().replicas(),
                e.spec().maxReplicas().orElse(null),
                e.onlineNamespace(),
                e.onlineDatabase().orElse(null),
                e.offlineNamespace(),
                e.offlineTableNamespace().orElse(null),
                e.activeDeploymentId().map(UUID::toString).orElse(null),
                e.generation(),
                e.createdAt().toString(),
                e.createdBy().orElse(null),
                e.updatedAt().toString(),
                status(e, cluster));
    }

    private static StatusJson status(Environment e, boolean cluster) {
        EnvironmentStatus s = e.status();
        return new StatusJson(
                state(e, cluster),
                s.observedGeneration().orElse(null),
                s.readyReplicas().orElse(null),
                s.conditions().stream().map(ConditionJson::of).toList(),
                s.updatedAt().map(Instant::toString).orElse(null));
    }

    static String state(Environment e, boolean cluster) {
        if (!cluster) {
            return "STANDALONE";
        }
        EnvironmentStatus s = e.status();
        if (s.observedGeneration().isEmpty()) {
            return "PENDING";
        }
        if (s.condition("Reconciled").filter(c -> !c.isTrue()).isPresent()) {
            return "FAILED";
        }
        boolean caughtUp = s.observedGeneration().get() == e.generation();
        return caughtUp
                        && s.condition("Ready")
                                .filter(EnvironmentCondition::isTrue)
                                .isPresent()
                ? "READY"
                : "PROGRESSING";
    }
}
