package dev.slate.appliance.auth;

import static dev.slate.auth.access.Permission.ADMIN;
import static dev.slate.auth.access.Permission.DEPLOY;
import static dev.slate.auth.access.Permission.INGEST;
import static dev.slate.auth.access.Permission.QUERY_OFFLINE;
import static dev.slate.auth.access.Permission.QUERY_ONLINE;
import static dev.slate.auth.access.Permission.READ_CATALOG;

import dev.slate.auth.access.Permission;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one table of which permission each {@code /v1} endpoint needs (docs/security.md). Anything under
 * {@code /v1} that is not listed needs {@code admin}: a new endpoint is closed until it is added here.
 */
public final class ApiRoutes {

    private record Rule(Set<String> methods, Pattern path, ApiRoute route) {
        boolean matches(String method, String p) {
            return (methods.isEmpty() || methods.contains(method))
                    && path.matcher(p).matches();
        }
    }

    private static final ApiRoute ONLINE = new ApiRoute(QUERY_ONLINE, "query.online", false, false);
    private static final ApiRoute ONLINE_BULK = new ApiRoute(QUERY_ONLINE, "query.online.bulk", false, false);

    private static final List<Rule> RULES = List.of(
            rule("POST", "/v1/query/online/?", ONLINE),
            rule("POST", "/v1/query/online/bulk/?", ONLINE_BULK),
            rule("POST", "/v1/query/offline/?", new ApiRoute(QUERY_OFFLINE, "query.offline.submit", false, true)),
            rule(
                    "DELETE",
                    "/v1/query/offline/[^/]+/?",
                    new ApiRoute(QUERY_OFFLINE, "query.offline.cancel", false, true)),
            rule("GET", "/v1/query/offline(/.*)?", new ApiRoute(QUERY_OFFLINE, "query.offline", false, false)),
            rule("", "/v1/query/offline(/.*)?", new ApiRoute(QUERY_OFFLINE, "query.offline", false, true)),
            rule("GET", "/v1/queries/[^/]+/?", new ApiRoute(QUERY_ONLINE, "query.trace", false, false)),
            rule("GET", "/v1/(features|graph)/?", new ApiRoute(READ_CATALOG, "catalog.read", false, false)),
            rule(
                    "GET",
                    "/v1/features/[^/]+/(stats|drift)/?",
                    new ApiRoute(READ_CATALOG, "feature.monitoring.read", false, false)),
            rule(
                    "GET",
                    "/v1/monitoring/references(/[^/]+)?/?",
                    new ApiRoute(READ_CATALOG, "monitoring.reference.read", false, false)),
            rule(
                    "POST",
                    "/v1/monitoring/references/?",
                    new ApiRoute(DEPLOY, "monitoring.reference.create", false, true)),
            rule(
                    "DELETE",
                    "/v1/monitoring/references/[^/]+/?",
                    new ApiRoute(DEPLOY, "monitoring.reference.delete", false, true)),
            rule("GET", "/v1/deployments(/[^/]+)?/?", new ApiRoute(READ_CATALOG, "deployment.read", false, false)),
            rule(
                    "GET",
                    "/v1/deployments/[^/]+/diff/[^/]+/?",
                    new ApiRoute(READ_CATALOG, "deployment.diff", false, false)),
            rule("POST", "/v1/deployments/?", new ApiRoute(DEPLOY, "deployment.create", false, true)),
            rule("POST", "/v1/deployments/[^/]+/activate/?", new ApiRoute(DEPLOY, "deployment.activate", false, true)),
            rule("POST", "/v1/ingest/?", new ApiRoute(INGEST, "ingest", false, true)),
            rule("POST", "/v1/materialize/?", new ApiRoute(INGEST, "materialize", false, true)),
            rule("POST", "/v1/aggregations/[^/]+/backfill/?", new ApiRoute(ADMIN, "aggregation.backfill", false, true)),
            rule("GET", "/v1/alerts(/.*)?", new ApiRoute(READ_CATALOG, "alert.read", false, false)),
            rule("", "/v1/alerts(/.*)?", new ApiRoute(DEPLOY, "alert.write", false, true)),
            rule("GET", "/v1/branches(/[^/]+)?/?", new ApiRoute(READ_CATALOG, "branch.read", false, false)),
            rule("DELETE", "/v1/branches/[^/]+/?", new ApiRoute(DEPLOY, "branch.delete", false, true)),
            rule("GET", "/v1/environments(/[^/]+)?/?", new ApiRoute(READ_CATALOG, "environment.read", true, false)),
            rule("POST", "/v1/environments/?", new ApiRoute(ADMIN, "environment.create", true, true)),
            rule("PATCH", "/v1/environments/[^/]+/?", new ApiRoute(ADMIN, "environment.update", true, true)),
            rule("DELETE", "/v1/environments/[^/]+/?", new ApiRoute(ADMIN, "environment.delete", true, true)),
            rule("GET", "/v1/audit/?", new ApiRoute(ADMIN, "audit.read", true, false)),
            rule("GET", "/v1/usage/records/?", new ApiRoute(ADMIN, "usage.read", true, false)),
            rule("GET", "/v1/access/bindings/?", new ApiRoute(ADMIN, "access.binding.read", true, false)),
            rule("PUT", "/v1/access/bindings/?", new ApiRoute(ADMIN, "access.binding.put", true, true)),
            rule("DELETE", "/v1/access/bindings/?", new ApiRoute(ADMIN, "access.binding.delete", true, true)),
            rule("GET", "/v1/secrets/?", new ApiRoute(ADMIN, "secret.list", true, false)),
            rule("POST", "/v1/secrets/re-encrypt/?", new ApiRoute(ADMIN, "secret.re-encrypt", true, true)),
            rule("PUT", "/v1/secrets/[^/]+/?", new ApiRoute(ADMIN, "secret.put", true, true)),
            rule("DELETE", "/v1/secrets/[^/]+/?", new ApiRoute(ADMIN, "secret.delete", true, true)));

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private ApiRoutes() {}

    /** True for {@code /v1} and everything below it: the paths that need a token. */
    public static boolean isApi(String path) {
        return path.startsWith("/v1/") || path.equals("/v1");
    }

    /** The route of an API request; unknown ones need {@code admin} and are audited unless they only read. */
    public static ApiRoute route(String method, String path) {
        if ("POST".equals(method) && "/v1/query/online".equals(path)) {
            return ONLINE; // the hot path: no pattern matching
        }
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.route();
            }
        }
        return new ApiRoute(ADMIN, "api.other", true, !READS.contains(method));
    }

    /** The permission table, for documentation and tests. */
    public static Permission permission(String method, String path) {
        return route(method, path).permission();
    }

    private static Rule rule(String method, String regex, ApiRoute route) {
        return new Rule(method.isEmpty() ? Set.of() : Set.of(method), Pattern.compile(regex), route);
    }
}
