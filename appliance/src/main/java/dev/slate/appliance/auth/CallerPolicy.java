package dev.slate.appliance.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The HTTP permission policy {@code slate-caller} of {@code /v1/*} ({@code quarkus.http.auth.permission.api}):
 * permits a request only when {@link AccessFilter} authenticated and authorized it. A second lock on the
 * same door: should a request ever reach a resource without passing the filter, it is refused here. It
 * reads the filter's mark and never resolves the identity itself, so it adds nothing to a request's cost.
 */
@ApplicationScoped
class CallerPolicy implements HttpSecurityPolicy {

    static final String NAME = "slate-caller";

    @Override
    public Uni<CheckResult> checkPermission(
            RoutingContext rc, Uni<SecurityIdentity> identity, AuthorizationRequestContext context) {
        return rc.get(AccessFilter.AUTHORIZED) != null ? CheckResult.permit() : CheckResult.deny();
    }

    @Override
    public String name() {
        return NAME;
    }
}
