package dev.slate.control.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.control.api.EnvironmentJson.EnvironmentListJson;
import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentPatch;
import dev.slate.control.env.EnvironmentService;
import dev.slate.control.env.ReplicaMode;
import dev.slate.control.k8s.ClusterConfig;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.security.Principal;
import java.util.Optional;

/**
 * {@code /v1/environments}: environments as objects (docs/environments.md). Reading needs {@code read.catalog},
 * changing needs {@code admin} (the access filter checks both, from realm roles). Blocking: worker threads.
 */
@Path("/v1/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentResource {

    /** {@code POST} body. */
    public record CreateBody(
            String name,
            String description,
            Integer replicas,
            String mode,
            @JsonProperty("max_replicas") Integer maxReplicas,
            @JsonProperty("online_namespace") String onlineNamespace,
            @JsonProperty("online_database") Integer onlineDatabase,
            @JsonProperty("offline_namespace") String offlineNamespace,
            @JsonProperty("offline_table_namespace") String offlineTableNamespace) {}

    /**
     * {@code PATCH} body: absent fields stay as they are. The namespaces are accepted only to refuse them with a clear
     * answer: they are chosen at create and never change (docs/environments.md, "Namespaces").
     */
    public record PatchBody(
            String description,
            Integer replicas,
            String mode,
            @JsonProperty("max_replicas") Integer maxReplicas,
            @JsonProperty("online_namespace") String onlineNamespace,
            @JsonProperty("online_database") Integer onlineDatabase,
            @JsonProperty("offline_namespace") String offlineNamespace,
            @JsonProperty("offline_table_namespace") String offlineTableNamespace) {}

    private final EnvironmentService environments;
    private final boolean cluster;

    EnvironmentResource(EnvironmentService environments, ClusterConfig cluster) {
        this.environments = environments;
        this.cluster = cluster.enabled();
    }

    @GET
    public EnvironmentListJson list() {
        return new EnvironmentListJson(environments.list().stream()
                .map(e -> EnvironmentJson.of(e, cluster))
                .toList());
    }

    @GET
    @Path("{name}")
    public EnvironmentJson get(@PathParam("name") String name) {
        return EnvironmentJson.of(environments.get(name), cluster);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(CreateBody body, @Context SecurityContext security) {
        if (body == null || body.name() == null) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "the body needs a name: {\"name\": \"qa\"}");
        }
        Environment created = environments.create(
                body.name(),
                Optional.ofNullable(body.description()),
                Optional.ofNullable(body.replicas()),
                mode(body.mode()),
                Optional.ofNullable(body.maxReplicas()),
                Optional.ofNullable(body.onlineNamespace()),
                Optional.ofNullable(body.onlineDatabase()),
                Optional.ofNullable(body.offlineNamespace()),
                Optional.ofNullable(body.offlineTableNamespace()),
                actor(security));
        return Response.created(URI.create("/v1/environments/" + created.name()))
                .entity(EnvironmentJson.of(created, cluster))
                .build();
    }

    @PATCH
    @Path("{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public EnvironmentJson patch(@PathParam("name") String name, PatchBody body) {
        if (body == null) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "the body must be a JSON object: {\"replicas\": 3}");
        }
        if (body.onlineNamespace() != null
                || body.onlineDatabase() != null
                || body.offlineNamespace() != null
                || body.offlineTableNamespace() != null) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "online_namespace, online_database, offline_namespace and offline_table_namespace are chosen when an "
                            + "environment is created and never change: its values live there; create another environment to use other namespaces");
        }
        return EnvironmentJson.of(
                environments.patch(
                        name,
                        new EnvironmentPatch(
                                Optional.ofNullable(body.description()),
                                Optional.ofNullable(body.replicas()),
                                mode(body.mode()),
                                Optional.ofNullable(body.maxReplicas()))),
                cluster);
    }

    /** Deletes the environment and its data; {@code ?confirm=NAME} is required, {@code force=true} when it serves traffic. */
    @DELETE
    @Path("{name}")
    public EnvironmentJson delete(
            @PathParam("name") String name,
            @QueryParam("confirm") String confirm,
            @QueryParam("force") String force,
            @Context SecurityContext security) {
        boolean forced = switch (force == null ? "false" : force) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new SlateException(ErrorCode.INVALID_QUERY, "query parameter 'force' must be true or false");
        };
        return EnvironmentJson.of(
                environments.delete(name, Optional.ofNullable(confirm), forced, actor(security)), cluster);
    }

    private static Optional<ReplicaMode> mode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(ReplicaMode.fromCode(text)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.INVALID_QUERY, "mode must be 'fixed' or 'autoscaled', got '" + shown(text) + "'")));
    }

    private static String shown(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static Optional<String> actor(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null
                        || principal.getName() == null
                        || principal.getName().isBlank()
                ? Optional.empty()
                : Optional.of(principal.getName());
    }
}
