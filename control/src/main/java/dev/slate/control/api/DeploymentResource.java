package dev.slate.control.api;

import dev.slate.control.archive.ArchiveFormat;
import dev.slate.control.archive.ProjectArchive;
import dev.slate.control.branch.BranchService;
import dev.slate.control.deploy.Deployment;
import dev.slate.control.deploy.DeploymentResult;
import dev.slate.control.deploy.DeploymentService;
import dev.slate.control.deploy.DeploymentStatus;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.security.Principal;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/deployments}: deploy a feature project (JSON or an archive), list and read
 * deployments, activate one (rollback). The environment is the {@code X-Slate-Environment} header
 * ({@code default} when absent or blank).
 */
@Path("/v1/deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {
    public static final String ENVIRONMENT_HEADER = "X-Slate-Environment";

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final DeploymentService deployments;
    private final BranchService branches;

    DeploymentResource(DeploymentService deployments, BranchService branches) {
        this.deployments = deployments;
        this.branches = branches;
    }

    /**
     * Deploys the project in a JSON body; 201 with the new deployment, 200 when the content is unchanged. With
     * {@code ?branch=NAME} the deployment serves only that branch (docs/environments.md, "Branches"): the
     * environment's main active deployment is never changed, whatever {@code activate} says; {@code role=ROLE}
     * limits the branch to callers holding that role in the environment.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> deployJson(
            byte[] body,
            @QueryParam("activate") String activateParam,
            @QueryParam("branch") String branch,
            @QueryParam("role") String role,
            @HeaderParam(ENVIRONMENT_HEADER) String environmentHeader,
            @Context SecurityContext security) {
        String environment = environment(environmentHeader);
        boolean activateByDefault = activateParam(activateParam);
        Optional<String> toBranch = branch(branch, role);
        return VertxContextSupport.executeBlocking(() -> DeployRequestParser.parse(body))
                .chain(request -> deployments.deploy(
                        environment,
                        request.files(),
                        toBranch.isEmpty() && request.activate().orElse(activateByDefault),
                        actor(security)))
                .call(result -> toBranch.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : VertxContextSupport.executeBlocking(() -> branches.set(
                                environment,
                                toBranch.get(),
                                result.deployment().id(),
                                Optional.ofNullable(role),
                                Optional.ofNullable(actor(security)))))
                .map(DeploymentResource::created);
    }

    /** Deploys the project in a tar, tar.gz or zip archive (the raw body); {@code ?activate=false} stores without activating. */
    @POST
    @Consumes({ArchiveFormat.GZIP, ArchiveFormat.X_GZIP, ArchiveFormat.X_TAR, ArchiveFormat.ZIP_TYPE})
    public Uni<Response> deployArchive(
            byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("activate") String activateParam,
            @QueryParam("branch") String branch,
            @QueryParam("role") String role,
            @HeaderParam(ENVIRONMENT_HEADER) String environmentHeader,
            @Context SecurityContext security) {
        String environment = environment(environmentHeader);
        boolean activate = activateParam(activateParam);
        Optional<String> toBranch = branch(branch, role);
        ArchiveFormat format = ArchiveFormat.forMediaType(contentType).orElseThrow(() -> unsupported(contentType));
        return VertxContextSupport.executeBlocking(() -> ProjectArchive.read(format, body))
                .chain(files -> deployments.deploy(environment, files, toBranch.isEmpty() && activate, actor(security)))
                .call(result -> toBranch.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : VertxContextSupport.executeBlocking(() -> branches.set(
                                environment,
                                toBranch.get(),
                                result.deployment().id(),
                                Optional.ofNullable(role),
                                Optional.ofNullable(actor(security)))))
                .map(DeploymentResource::created);
    }

    /** Any other body type: 415 with the accepted ones. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response deployUnsupported(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        throw unsupported(contentType);
    }

    /** The environment's deployments, newest first. */
    @GET
    public Uni<DeploymentListJson> list(@HeaderParam(ENVIRONMENT_HEADER) String environmentHeader) {
        String environment = environment(environmentHeader);
        return deployments
                .list(environment)
                .map(list -> new DeploymentListJson(
                        environment,
                        list.stream()
                                .filter(d -> d.status() == DeploymentStatus.ACTIVE)
                                .map(d -> d.id().toString())
                                .findFirst()
                                .orElse(null),
                        list.stream().map(DeploymentJson::of).toList()));
    }

    /** One deployment with its files (secrets appear only as the references written in them). */
    @GET
    @Path("{id}")
    public Uni<DeploymentJson> get(
            @PathParam("id") String id, @HeaderParam(ENVIRONMENT_HEADER) String environmentHeader) {
        String environment = environment(environmentHeader);
        UUID deploymentId = deploymentId(id, environment);
        return deployments
                .content(environment, deploymentId)
                .map(content -> DeploymentJson.of(content.deployment(), content.files(), null));
    }

    /** Makes a deployment active; activating an older one rolls back. */
    @POST
    @Path("{id}/activate")
    public Uni<DeploymentJson> activate(
            @PathParam("id") String id,
            @HeaderParam(ENVIRONMENT_HEADER) String environmentHeader,
            @Context SecurityContext security) {
        String environment = environment(environmentHeader);
        UUID deploymentId = deploymentId(id, environment);
        return deployments.activate(environment, deploymentId, actor(security)).map(DeploymentJson::of);
    }

    /** What changed from deployment {@code from} to deployment {@code to} (features, resolvers, how features are computed). */
    @GET
    @Path("{from}/diff/{to}")
    public Uni<DeploymentDiffJson> diff(
            @PathParam("from") String from,
            @PathParam("to") String to,
            @HeaderParam(ENVIRONMENT_HEADER) String environmentHeader) {
        String environment = environment(environmentHeader);
        UUID a = deploymentId(from, environment);
        UUID b = deploymentId(to, environment);
        return deployments.diff(environment, a, b).map(d -> DeploymentDiffJson.of(environment, a, b, d));
    }

    private static Response created(DeploymentResult result) {
        Deployment deployment = result.deployment();
        DeploymentJson json = DeploymentJson.of(deployment, null, result.unchanged());
        if (result.unchanged()) {
            return Response.ok(json).build();
        }
        return Response.created(URI.create("/v1/deployments/" + deployment.id()))
                .entity(json)
                .build();
    }

    private static String environment(String header) {
        return EnvironmentName.require(header == null || header.isBlank() ? EnvironmentName.DEFAULT : header.strip());
    }

    /** The branch a deployment goes to (empty: main); {@code role} only with a branch. */
    private static Optional<String> branch(String branch, String role) {
        if (branch == null || branch.isBlank()) {
            if (role != null) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY, "query parameter 'role' limits a branch: give it with 'branch'");
            }
            return Optional.empty();
        }
        BranchService.requireRole(Optional.ofNullable(role));
        return Optional.of(BranchService.requireName(branch.strip()));
    }

    private static boolean activateParam(String value) {
        if (value == null || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new SlateException(ErrorCode.INVALID_QUERY, "query parameter 'activate' must be true or false");
    }

    private static UUID deploymentId(String text, String environment) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw new SlateException(
                    ErrorCode.NOT_FOUND,
                    "environment '" + environment + "' has no such deployment: deployment ids are UUIDs");
        }
        return UUID.fromString(text);
    }

    private static String actor(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null
                        || principal.getName() == null
                        || principal.getName().isBlank()
                ? null
                : principal.getName();
    }

    private static SlateException unsupported(String contentType) {
        String shown =
                contentType == null ? "none" : contentType.length() > 100 ? contentType.substring(0, 100) : contentType;
        return new SlateException(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type " + shown + " is not accepted; send application/json "
                        + "({\"files\": {...}}), application/gzip (tar.gz), application/x-tar or application/zip");
    }
}
