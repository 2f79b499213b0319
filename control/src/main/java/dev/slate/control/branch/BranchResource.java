package dev.slate.control.branch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.control.api.DeploymentResource;
import dev.slate.control.deploy.EnvironmentName;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/branches}: the branches of the environment in {@code X-Slate-Environment} (docs/environments.md,
 * "Branches"). A branch is made by deploying to it ({@code POST /v1/deployments?branch=NAME}). Reading needs
 * {@code read.catalog}, deleting {@code deploy}, in the environment (the access filter checks both). Blocking:
 * worker threads.
 */
@Path("/v1/branches")
@Produces(MediaType.APPLICATION_JSON)
public class BranchResource {

    private final BranchService branches;

    BranchResource(BranchService branches) {
        this.branches = branches;
    }

    /** A branch on the wire. */
    public record BranchJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("name") String name,
            @JsonProperty("deployment_id") String deploymentId,
            @JsonProperty("role") String role,
            @JsonProperty("revision") long revision,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("created_by") String createdBy,
            @JsonProperty("updated_at") String updatedAt) {
        public static BranchJson of(Branch b) {
            return new BranchJson(
                    b.environment(),
                    b.name(),
                    b.deploymentId().toString(),
                    b.role().orElse(null),
                    b.revision(),
                    b.createdAt().toString(),
                    b.createdBy().orElse(null),
                    b.updatedAt().toString());
        }
    }

    public record BranchListJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("branches") List<BranchJson> branches) {}

    @GET
    public BranchListJson list(@HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader) {
        String env = environment(environmentHeader);
        return new BranchListJson(
                env, branches.list(env).stream().map(BranchJson::of).toList());
    }

    @GET
    @Path("{name}")
    public BranchJson get(
            @PathParam("name") String name,
            @HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader) {
        return BranchJson.of(branches.get(environment(environmentHeader), name));
    }

    /** Deletes the branch (it stops serving); its deployment stays one of the environment's deployments. */
    @DELETE
    @Path("{name}")
    public BranchJson delete(
            @PathParam("name") String name,
            @HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader,
            @Context SecurityContext security) {
        return BranchJson.of(branches.delete(environment(environmentHeader), name, actor(security)));
    }

    static String environment(String header) {
        return EnvironmentName.require(header == null || header.isBlank() ? EnvironmentName.DEFAULT : header.strip());
    }

    static Optional<String> actor(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null
                        || principal.getName() == null
                        || principal.getName().isBlank()
                ? Optional.empty()
                : Optional.of(principal.getName());
    }
}
