package dev.slate.appliance.auth;

import dev.slate.appliance.web.Problem;
import dev.slate.auth.access.Decision;
import dev.slate.auth.access.Identity;
import dev.slate.auth.access.RoleBinding;
import dev.slate.auth.access.Withheld;
import dev.slate.serving.api.Environments;
import dev.slate.serving.api.query.OnlineQueryResponse;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Authentication and authorization of every {@code /v1} request, in one place:
 * <ol>
 *   <li>the caller's token, verified by Quarkus OIDC (signature against the realm's keys, issuer,
 *       audience {@code slate-api}, expiry): none or a bad one is a 401;</li>
 *   <li>the permission the endpoint needs ({@link ApiRoutes}) in the environment of the request
 *       ({@code X-Slate-Environment}), from realm roles and role bindings ({@link AccessDecisions}):
 *       missing is a 403;</li>
 *   <li>on the way out, online answers lose the features the caller is not cleared for (restricted tags,
 *       {@link WithheldFeatures}), and mutating requests are written to the audit log with their outcome.</li>
 * </ol>
 * Denials are audited too. Runs before resource matching, so unknown paths under {@code /v1} need a token as well.
 */
class AccessFilter {

    private static final Uni<Response> PROCEED = Uni.createFrom().nullItem();

    /** Set on the routing context of a request this filter let through ({@link CallerPolicy} checks it). */
    static final String AUTHORIZED = AccessFilter.class.getName() + ".authorized";

    private static final String BEARER = "Bearer ";

    private final Instance<CurrentIdentityAssociation> identities;
    private final VerifiedTokens verifiedTokens;
    private final AccessDecisions decisions;
    private final WithheldFeatures withheldFeatures;
    private final AuditRecorder audit;
    private final Instance<AuditNote> notes;
    private final ServingState serving;
    private final boolean enabled;

    AccessFilter(
            Instance<CurrentIdentityAssociation> identities,
            VerifiedTokens verifiedTokens,
            AccessDecisions decisions,
            WithheldFeatures withheldFeatures,
            AuditRecorder audit,
            Instance<AuditNote> notes,
            AuthConfig config,
            ServingState serving) {
        this.serving = serving;
        this.identities = identities;
        this.verifiedTokens = verifiedTokens;
        this.decisions = decisions;
        this.withheldFeatures = withheldFeatures;
        this.audit = audit;
        this.notes = notes;
        this.enabled = config.enabled();
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    Uni<Response> authorize(ContainerRequestContext ctx, HttpServerRequest http, RoutingContext rc) {
        String path = ctx.getUriInfo().getPath();
        if (!ApiRoutes.isApi(path)) {
            return PROCEED;
        }
        String method = ctx.getMethod();
        ApiRoute route = ApiRoutes.route(method, path);
        String requestId = AuditRecorder.requestIdFrom(ctx.getHeaderString(AuthProblems.REQUEST_ID_HEADER));
        if (!enabled) {
            String environment =
                    environment(ctx.getHeaderString(Environments.HEADER)).orElse(Environments.DEFAULT);
            ApiCall call = new ApiCall(
                    route,
                    method,
                    path,
                    environment,
                    Callers.AUTH_DISABLED.identity(),
                    decisions.access(Callers.AUTH_DISABLED, environment, route.global()),
                    remote(http),
                    requestId);
            ctx.setProperty(ApiCall.PROPERTY, call);
            rc.put(ApiCall.PROPERTY, call);
            rc.put(AUTHORIZED, Boolean.TRUE);
            return PROCEED;
        }
        String authorization = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (!route.audited() && authorization != null && authorization.startsWith(BEARER)) {
            // Reads and queries of a token verified before (and still valid) skip the authentication chain. Mutating
            // requests take the full path: their resources name the caller through the security context.
            Caller known = verifiedTokens.caller(
                    authorization.substring(BEARER.length()).strip());
            if (known != null) {
                Response refusal =
                        decide(ctx, http, rc, method, path, route, requestId, true, null, Optional.of(known));
                return refusal == null ? PROCEED : Uni.createFrom().item(refusal);
            }
        }
        boolean tokenPresented = authorization != null;
        return identities.get().getDeferredIdentity().onItemOrFailure().transform((identity, failure) -> {
            SecurityIdentity verified = failure == null ? identity : null;
            return decide(
                    ctx, http, rc, method, path, route, requestId, tokenPresented, verified, Callers.of(verified));
        });
    }

    private Response decide(
            ContainerRequestContext ctx,
            HttpServerRequest http,
            RoutingContext rc,
            String method,
            String path,
            ApiRoute route,
            String requestId,
            boolean tokenPresented,
            SecurityIdentity securityIdentity,
            Optional<Caller> caller) {
        String header = ctx.getHeaderString(Environments.HEADER);
        if (caller.isEmpty()) {
            String id = requestId != null ? requestId : AuditRecorder.newRequestId();
            boolean authenticated = securityIdentity != null && !securityIdentity.isAnonymous();
            if (authenticated) { // a verified token that names no usable subject
                audit.denied(
                        null,
                        route.action(),
                        method,
                        path,
                        shown(header),
                        403,
                        remote(http),
                        id,
                        "token names no usable subject");
                return AuthProblems.unauthorized("the token does not name a usable subject", id);
            }
            audit.denied(
                    null,
                    route.action(),
                    method,
                    path,
                    shown(header),
                    401,
                    remote(http),
                    id,
                    tokenPresented ? "bearer token rejected" : "no bearer token");
            return AuthProblems.unauthenticated(tokenPresented, id);
        }
        Identity identity = caller.get().identity();
        Optional<String> environment = environment(header);
        if (environment.isEmpty()) {
            return Problem.of(
                            ErrorCode.INVALID_QUERY,
                            400,
                            "header " + Environments.HEADER + " must be an environment name: "
                                    + "lowercase letters, digits and '-', starting with a letter, at most 63 characters",
                            List.of())
                    .toResponse();
        }
        AccessDecisions.Access access = decisions.access(caller.get(), environment.get(), route.global());
        Decision decision = decisions.decide(access, route.permission());
        if (decision instanceof Decision.Deny deny) {
            String id = requestId != null ? requestId : AuditRecorder.newRequestId();
            audit.denied(
                    identity.subject().ref(),
                    route.action(),
                    method,
                    path,
                    environment.get(),
                    403,
                    remote(http),
                    id,
                    deny.reason());
            String where = route.global() ? "" : " in environment '" + environment.get() + "'";
            return AuthProblems.unauthorized(
                    "missing permission '" + route.permission().code() + "'" + where, id);
        }
        Optional<String> branchRole = branchRole(ctx, route, environment.get());
        if (branchRole.isPresent() && !decisions.holdsRole(caller.get(), environment.get(), branchRole.get())) {
            String id = requestId != null ? requestId : AuditRecorder.newRequestId();
            String branch = ctx.getHeaderString(Environments.BRANCH_HEADER).strip();
            String reason = "branch '" + branch + "' of environment '" + environment.get() + "' is limited to role '"
                    + branchRole.get() + "'";
            audit.denied(
                    identity.subject().ref(),
                    route.action(),
                    method,
                    path,
                    environment.get(),
                    403,
                    remote(http),
                    id,
                    reason);
            return AuthProblems.unauthorized(reason, id);
        }
        ApiCall call = new ApiCall(route, method, path, environment.get(), identity, access, remote(http), requestId);
        ctx.setProperty(ApiCall.PROPERTY, call);
        rc.put(ApiCall.PROPERTY, call); // for FeatureClearance
        rc.put(AUTHORIZED, Boolean.TRUE);
        return null;
    }

    /**
     * The role an online query's branch ({@code X-Slate-Branch}) is limited to, if any (docs/environments.md, "Branches").
     * An unknown or malformed branch is left to the query, which answers it.
     */
    private Optional<String> branchRole(ContainerRequestContext ctx, ApiRoute route, String environment) {
        String branch = ctx.getHeaderString(Environments.BRANCH_HEADER);
        if (branch == null || branch.isBlank() || !route.action().startsWith("query.online")) {
            return Optional.empty();
        }
        return serving.branch(environment, branch.strip()).flatMap(ServingState.Branch::role);
    }

    @ServerResponseFilter
    void complete(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(ApiCall.PROPERTY) instanceof ApiCall call)) {
            return;
        }
        if (!call.access().clearedForAllTags() && response.getEntity() instanceof OnlineQueryResponse answer) {
            withhold(call, answer, response);
        }
        if (call.route().audited()) {
            String id = call.requestId() != null ? call.requestId() : AuditRecorder.newRequestId();
            response.getHeaders().putSingle(AuthProblems.REQUEST_ID_HEADER, id);
            AuditNote note = note();
            audit.completed(
                    call,
                    response.getStatus(),
                    response.getEntity(),
                    note == null ? null : note.target(),
                    note == null ? null : note.reason(),
                    id);
        }
    }

    private void withhold(ApiCall call, OnlineQueryResponse answer, ContainerResponseContext response) {
        Map<FeatureId, Withheld> withheld = withheldFeatures.of(
                answer.answer().deployment().graph(),
                call.access().effective().featureTags().keySet());
        if (withheld.isEmpty()) {
            return;
        }
        WithheldAnswers.mask(answer.answer(), withheld).ifPresent(masked -> {
            response.setEntity(
                    new OnlineQueryResponse(masked.answer(), answer.bulk(), answer.includeMeta(), answer.queryName()));
            audit.withheld(call, masked.answer().queryId(), masked.withheld());
        });
    }

    private AuditNote note() {
        try {
            AuditNote note = notes.get();
            note.target(); // resolves the request-scoped bean now, inside the try
            return note;
        } catch (RuntimeException e) {
            return null; // no request context
        }
    }

    /** {@code default} when absent or blank; empty when the header is not an environment name. */
    static Optional<String> environment(String header) {
        if (header == null || header.isBlank()) {
            return Optional.of(Environments.DEFAULT);
        }
        String name = header.strip();
        return RoleBinding.ENVIRONMENT.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    /** The environment header as the audit log may show it (it is user input: length and characters are bounded there). */
    private static String shown(String header) {
        return header == null || header.isBlank() ? Environments.DEFAULT : header.strip();
    }

    private static String remote(HttpServerRequest http) {
        SocketAddress address = http == null ? null : http.remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
