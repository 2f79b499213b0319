package dev.slate.appliance.auth;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Security exceptions raised outside {@link AccessFilter} (e.g. by the {@code quarkus.http.auth.permission.api}
 * check or an annotation) as problem+json 401/403, audited like the filter's own denials. Never shows the
 * exception's message: it may describe the token.
 */
class AuthProblemMappers {

    private final AuditRecorder audit;

    AuthProblemMappers(AuditRecorder audit) {
        this.audit = audit;
    }

    @ServerExceptionMapper
    Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest http) {
        return unauthenticated(http, "bearer token rejected");
    }

    @ServerExceptionMapper
    Response authenticationCompletion(AuthenticationCompletionException e, HttpServerRequest http) {
        return unauthenticated(http, "authentication not completed");
    }

    @ServerExceptionMapper
    Response unauthorized(UnauthorizedException e, HttpServerRequest http) {
        return unauthenticated(http, "authentication required");
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, HttpServerRequest http) {
        String id = requestId(http);
        audit.denied(
                null,
                "api.security",
                method(http),
                path(http),
                null,
                403,
                remote(http),
                id,
                "forbidden by a security check");
        return AuthProblems.unauthorized("not allowed", id);
    }

    private Response unauthenticated(HttpServerRequest http, String reason) {
        String id = requestId(http);
        boolean tokenPresented = http != null && http.getHeader(HttpHeaders.AUTHORIZATION) != null;
        audit.denied(null, "api.security", method(http), path(http), null, 401, remote(http), id, reason);
        return AuthProblems.unauthenticated(tokenPresented, id);
    }

    private static String requestId(HttpServerRequest http) {
        String given =
                http == null ? null : AuditRecorder.requestIdFrom(http.getHeader(AuthProblems.REQUEST_ID_HEADER));
        return given != null ? given : AuditRecorder.newRequestId();
    }

    private static String method(HttpServerRequest http) {
        return http == null ? "?" : http.method().name();
    }

    private static String path(HttpServerRequest http) {
        return http == null || http.path() == null ? "?" : http.path();
    }

    private static String remote(HttpServerRequest http) {
        SocketAddress address = http == null ? null : http.remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
