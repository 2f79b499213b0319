package dev.slate.appliance.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.appliance.web.Problem;
import dev.slate.serving.model.error.ErrorCode;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code slate.auth.metrics-policy=authenticated}: {@code /q/metrics} answers only callers with a valid
 * token of the realm, and refuses the others with the same problem+json 401 as the API
 * ({@code UNAUTHENTICATED}, {@code WWW-Authenticate: Bearer realm="slate"}, {@code X-Request-Id}) instead
 * of Quarkus' empty challenge. A Vert.x filter between Quarkus' authentication step (which only prepares
 * the deferred identity: {@code quarkus.http.auth.proactive=false}) and its authorization step, so it
 * sees the route before the metrics handler and before the HTTP permission, which stays as a second lock.
 * Refusals are written to the audit log like those of the API (action {@code metrics.read}).
 */
@ApplicationScoped
class MetricsAccessFilter {

    /** Quarkus runs filters by descending priority: its authentication filter is 200, its authorization filter 100. */
    static final int PRIORITY = 150;

    static final String AUTHENTICATED = "authenticated";
    private static final String ACTION = "metrics.read";
    private static final Logger LOG = Logger.getLogger(MetricsAccessFilter.class);

    private final ObjectMapper json;
    private final AuditRecorder audit;
    private final boolean enforced;

    MetricsAccessFilter(ObjectMapper json, AuditRecorder audit, AuthConfig config) {
        this.json = json;
        this.audit = audit;
        this.enforced =
                config.enabled() && AUTHENTICATED.equals(config.metricsPolicy().strip());
    }

    void register(@Observes Filters filters) {
        if (enforced) {
            filters.register(this::check, PRIORITY);
        }
    }

    static boolean isMetrics(String path) {
        return path != null && (path.equals("/q/metrics") || path.startsWith("/q/metrics/"));
    }

    private void check(RoutingContext rc) {
        if (!isMetrics(rc.normalizedPath())) {
            rc.next();
            return;
        }
        boolean tokenPresented = rc.request().getHeader(HttpHeaders.AUTHORIZATION) != null;
        QuarkusHttpUser.getSecurityIdentity(rc, null)
                .subscribe()
                .with(
                        identity -> {
                            if (identity == null || identity.isAnonymous()) {
                                refuse(rc, tokenPresented);
                            } else {
                                rc.next();
                            }
                        },
                        failure -> refuse(rc, true));
    }

    private void refuse(RoutingContext rc, boolean tokenPresented) {
        if (rc.response().ended()) {
            return;
        }
        String requestId = AuditRecorder.requestIdFrom(rc.request().getHeader(AuthProblems.REQUEST_ID_HEADER));
        String id = requestId != null ? requestId : AuditRecorder.newRequestId();
        String remote = rc.request().remoteAddress() == null
                ? null
                : rc.request().remoteAddress().hostAddress();
        audit.denied(
                null,
                ACTION,
                rc.request().method().name(),
                rc.normalizedPath(),
                null,
                401,
                remote,
                id,
                tokenPresented ? "bearer token rejected" : "no bearer token");
        Problem problem = Problem.of(
                ErrorCode.UNAUTHENTICATED,
                401,
                tokenPresented ? AuthProblems.BAD_TOKEN : AuthProblems.NO_TOKEN,
                List.of());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            LOG.errorf("cannot write the metrics refusal: %s", e.getClass().getSimpleName());
            body = "";
        }
        rc.response()
                .setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE.toString())
                .putHeader("WWW-Authenticate", AuthProblems.challenge(tokenPresented))
                .putHeader(AuthProblems.REQUEST_ID_HEADER, id)
                .end(body);
    }
}
