package dev.slate.control.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The answer to {@code GET /v1/deployments}: the environment's deployments, newest first. */
@JsonPropertyOrder({"environment", "active_deployment_id", "deployments"})
public record DeploymentListJson(
        String environment,
        @JsonProperty("active_deployment_id") String activeDeploymentId,
        List<DeploymentJson> deployments) {}
