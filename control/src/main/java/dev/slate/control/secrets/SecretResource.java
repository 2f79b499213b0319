package dev.slate.control.secrets;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.control.api.DeploymentResource;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/secrets}: values for {@code ${secret:NAME}} references, stored encrypted, one set per environment
 * (the {@code X-Slate-Environment} header, {@code default} when absent, as everywhere in the API; docs/environments.md).
 * A secret of one environment is never seen by another. Write-only: a
 * value goes in with {@code PUT /v1/secrets/{name}} ({@code {"value": "..."}}) and never comes out of the
 * API; {@code GET} lists names, key ids and times. {@code POST /v1/secrets/re-encrypt} moves every secret
 * to the current key after a rotation. Admin only (the access filter checks it). Blocking: worker threads.
 */
@Path("/v1/secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretStore store;

    SecretResource(SecretStore store) {
        this.store = store;
    }

    public record SecretJson(
            @JsonProperty("name") String name,
            @JsonProperty("key_id") String keyId,
            @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("updated_by") String updatedBy,
            @JsonProperty("current_key") boolean currentKey) {}

    public record SecretListJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("key_id") String keyId,
            @JsonProperty("secrets") List<SecretJson> secrets) {}

    public record ReEncryptJson(
            @JsonProperty("key_id") String keyId,
            @JsonProperty("re_encrypted") int reEncrypted,
            @JsonProperty("unchanged") int unchanged,
            @JsonProperty("failed") List<String> failed) {}

    @GET
    public SecretListJson list(@HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader) {
        String environment = environment(environmentHeader);
        String current = store.currentKeyId().orElse(null);
        return new SecretListJson(
                environment,
                current,
                store.list(environment).stream().map(s -> json(s, current)).toList());
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(
            @PathParam("name") String name,
            byte[] body,
            @HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader,
            @Context SecurityContext security) {
        String environment = environment(environmentHeader);
        String value = value(body);
        boolean created = store.put(environment, name, value, actor(security));
        SecretInfo info = store.list(environment).stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new SlateException(
                        ErrorCode.INTERNAL_SERVER_ERROR, "secret '" + name + "' vanished after it was stored"));
        return Response.status(created ? 201 : 200)
                .entity(json(info, store.currentKeyId().orElse(null)))
                .build();
    }

    @DELETE
    @Path("{name}")
    public Response delete(
            @PathParam("name") String name,
            @HeaderParam(DeploymentResource.ENVIRONMENT_HEADER) String environmentHeader) {
        String environment = environment(environmentHeader);
        if (!store.delete(environment, name)) {
            throw new SlateException(
                    ErrorCode.NOT_FOUND, "environment '" + environment + "' has no stored secret '" + name + "'");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("re-encrypt")
    public ReEncryptJson reEncrypt() {
        SecretStore.ReEncryption r = store.reEncrypt();
        return new ReEncryptJson(r.keyId(), r.reEncrypted(), r.unchanged(), r.failed());
    }

    private static String environment(String header) {
        return EnvironmentName.require(header == null || header.isBlank() ? EnvironmentName.DEFAULT : header.strip());
    }

    /** {@code {"value": "..."}}; parse errors never echo the body (it holds the secret). */
    private static String value(byte[] body) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject() || !node.path("value").isTextual() || node.size() != 1) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the body must be a JSON object {\"value\": \"...\"} with the secret as a string");
        }
        return node.path("value").textValue();
    }

    private static SecretJson json(SecretInfo s, String currentKeyId) {
        return new SecretJson(
                s.name(),
                s.keyId(),
                s.updatedAt().toString(),
                s.updatedBy().orElse(null),
                s.keyId().equals(currentKeyId));
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
