package dev.slate.appliance.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.auth.access.AccessPolicy;
import dev.slate.auth.access.RoleBinding;
import dev.slate.auth.access.Subject;
import dev.slate.control.access.RoleBindingStore;
import dev.slate.control.access.StoredBinding;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/access/bindings}: list, add ({@code PUT} with {@code {"subject": "user:dave", "environment":
 * "qa", "role": "developer"}}) and remove ({@code DELETE ?subject=&environment=&role=}) role bindings.
 * Admin only (realm role); every change is audited. A change is in effect on this replica at once, on
 * the others within {@code slate.auth.bindings-cache-ttl}. Blocking: worker threads.
 */
@Path("/v1/access/bindings")
@Produces(MediaType.APPLICATION_JSON)
public class AccessBindingResource {

    private final RoleBindingStore store;
    private final RoleBindingCache cache;
    private final AccessDecisions decisions;
    private final AuditNote note;

    AccessBindingResource(RoleBindingStore store, RoleBindingCache cache, AccessDecisions decisions, AuditNote note) {
        this.store = store;
        this.cache = cache;
        this.decisions = decisions;
        this.note = note;
    }

    public record BindingJson(
            @JsonProperty("subject") String subject,
            @JsonProperty("environment") String environment,
            @JsonProperty("role") String role,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("created_by") String createdBy) {}

    public record BindingListJson(@JsonProperty("bindings") List<BindingJson> bindings) {}

    public record BindingRequest(
            @JsonProperty("subject") String subject,
            @JsonProperty("environment") String environment,
            @JsonProperty("role") String role) {}

    @GET
    public BindingListJson list(@QueryParam("subject") String subject, @QueryParam("environment") String environment) {
        Optional<String> s = blankToEmpty(subject).map(text -> subject(text).ref());
        Optional<String> e = blankToEmpty(environment).map(AccessBindingResource::environment);
        return new BindingListJson(
                store.find(s, e).stream().map(AccessBindingResource::json).toList());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(BindingRequest request, @Context SecurityContext security) {
        if (request == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "expected {\"subject\": \"user:NAME\", \"environment\": \"ENV\", \"role\": \"ROLE\"}");
        }
        RoleBinding binding = binding(request.subject(), request.environment(), request.role());
        note.target(binding.describe());
        boolean created = store.put(binding.subject().ref(), binding.environment(), binding.role(), actor(security));
        changed();
        StoredBinding stored =
                store.find(Optional.of(binding.subject().ref()), Optional.of(binding.environment())).stream()
                        .filter(b -> b.role().equals(binding.role()))
                        .findFirst()
                        .orElseThrow(
                                () -> new SlateException(ErrorCode.CONFLICT, "the binding was removed concurrently"));
        return Response.status(created ? 201 : 200).entity(json(stored)).build();
    }

    @DELETE
    public Response delete(
            @QueryParam("subject") String subject,
            @QueryParam("environment") String environment,
            @QueryParam("role") String role) {
        RoleBinding binding = binding(subject, environment, role);
        note.target(binding.describe());
        if (!store.delete(binding.subject().ref(), binding.environment(), binding.role())) {
            throw new SlateException(ErrorCode.NOT_FOUND, "no binding " + binding.describe());
        }
        changed();
        return Response.noContent().build();
    }

    private void changed() {
        cache.reload();
        decisions.invalidate();
    }

    private static RoleBinding binding(String subject, String environment, String role) {
        if (role == null || role.isBlank()) {
            throw invalid("'role' is required: one of "
                    + AccessPolicy.defaults().roles().keySet());
        }
        String r = role.strip();
        if (AccessPolicy.defaults().grantsOf(r).isEmpty()) {
            throw invalid("unknown role; known roles: "
                    + AccessPolicy.defaults().roles().keySet());
        }
        return new RoleBinding(subject(subject), environment(environment), r);
    }

    private static Subject subject(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("'subject' is required: user:NAME or client:NAME");
        }
        try {
            return Subject.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid("'subject' must be user:NAME or client:NAME (letters, digits and . _ @ + -)");
        }
    }

    private static String environment(String text) {
        if (text == null
                || text.isBlank()
                || !RoleBinding.ENVIRONMENT.matcher(text.strip()).matches()) {
            throw invalid(
                    "'environment' must be an environment name: lowercase letters, digits and '-', starting with a letter");
        }
        return text.strip();
    }

    private static Optional<String> blankToEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private static BindingJson json(StoredBinding b) {
        return new BindingJson(
                b.subject(),
                b.environment(),
                b.role(),
                b.createdAt().toString(),
                b.createdBy().orElse(null));
    }

    private static Optional<String> actor(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null
                        || principal.getName() == null
                        || principal.getName().isBlank()
                ? Optional.empty()
                : Optional.of(principal.getName());
    }

    private static SlateException invalid(String message) {
        return new SlateException(ErrorCode.INVALID_QUERY, message);
    }
}
