package dev.slate.appliance.auth;

import dev.slate.appliance.web.Problem;
import dev.slate.auth.access.Withheld;
import dev.slate.control.api.DeploymentJson;
import dev.slate.control.api.EnvironmentJson;
import dev.slate.control.audit.AuditEntry;
import dev.slate.control.audit.AuditEntry.Outcome;
import dev.slate.control.audit.AuditLog;
import dev.slate.serving.model.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Writes the audit entries of API requests (asynchronously: {@link AuditLog#record} only enqueues). */
@ApplicationScoped
class AuditRecorder {

    static final String ANONYMOUS = "anonymous";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern DEPLOYMENT_PATH = Pattern.compile("/v1/deployments/([^/]+)/activate/?");
    private static final Pattern SECRET_PATH = Pattern.compile("/v1/secrets/([^/]+)/?");
    private static final Set<String> ENVIRONMENT_SCOPED_GLOBAL_ACTIONS =
            Set.of("secret.list", "secret.put", "secret.delete");
    private static final Pattern BRANCH_PATH = Pattern.compile("/v1/branches/([^/]+)/?");
    private static final Pattern ENVIRONMENT_PATH = Pattern.compile("/v1/environments/([^/]+)/?");
    private static final Pattern OFFLINE_JOB_PATH = Pattern.compile("/v1/query/offline/([^/]+)/?");

    private final AuditLog log;

    AuditRecorder(AuditLog log) {
        this.log = log;
    }

    /** The caller's request id when it is one we can log safely, else null. */
    static String requestIdFrom(String header) {
        return header != null && REQUEST_ID.matcher(header).matches() ? header : null;
    }

    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "r_" + HexFormat.of().toHexDigits(r.nextLong());
    }

    /** A refused request: 401 (no or bad token) or 403 (missing permission). */
    void denied(
            String subject,
            String action,
            String method,
            String path,
            String environment,
            int status,
            String remoteAddress,
            String requestId,
            String reason) {
        log.record(AuditEntry.of(
                Instant.now(),
                subject == null ? ANONYMOUS : subject,
                action,
                method,
                path,
                environment,
                Outcome.DENIED,
                status,
                remoteAddress,
                requestId,
                null,
                null,
                reason));
    }

    /**
     * A mutating request that passed the access filter, with how it ended: {@code DENIED} when the resource
     * itself refused it (403 {@code UNAUTHORIZED}, e.g. an offline query naming withheld features), with the
     * resource's reason when it gave one.
     */
    void completed(ApiCall call, int status, Object entity, String noted, String reason, String requestId) {
        boolean refused = status == 403
                && entity instanceof Problem p
                && ErrorCode.UNAUTHORIZED.name().equals(p.code());
        Outcome outcome = refused ? Outcome.DENIED : status >= 200 && status < 300 ? Outcome.OK : Outcome.FAILED;
        String detail = reason != null ? reason : entity instanceof Problem p ? p.code() + ": " + p.detail() : null;
        log.record(AuditEntry.of(
                Instant.now(),
                call.identity().subject().ref(),
                call.route().action(),
                call.method(),
                call.path(),
                recordsEnvironment(call) ? call.environment() : null,
                outcome,
                status,
                call.remoteAddress(),
                requestId,
                null,
                target(call, entity, noted),
                detail));
    }

    /** An online query answered with outputs withheld; the reasons (chains to the tagged inputs) go to the log only. */
    void withheld(ApiCall call, String queryId, List<Withheld> withheld) {
        String target = withheld.stream().map(Withheld::feature).collect(Collectors.joining(","));
        String detail = withheld.stream().map(Withheld::reason).collect(Collectors.joining("; "));
        log.record(AuditEntry.of(
                Instant.now(),
                call.identity().subject().ref(),
                call.route().action(),
                call.method(),
                call.path(),
                call.environment(),
                Outcome.WITHHELD,
                200,
                call.remoteAddress(),
                call.requestId(),
                queryId,
                target,
                detail));
    }

    /**
     * Whether the entry names the request's environment: every call checked against the environment's bindings, and
     * the secret calls, which are checked against realm roles but act on the secrets of one environment
     * (docs/environments.md, "Secrets").
     */
    private static boolean recordsEnvironment(ApiCall call) {
        return !call.route().global()
                || ENVIRONMENT_SCOPED_GLOBAL_ACTIONS.contains(call.route().action());
    }

    private static String target(ApiCall call, Object entity, String noted) {
        if (noted != null) {
            return noted;
        }
        if (entity instanceof DeploymentJson d) {
            return "deployment " + d.id();
        }
        var activate = DEPLOYMENT_PATH.matcher(call.path());
        if (activate.matches()) {
            return "deployment " + activate.group(1);
        }
        if (entity instanceof EnvironmentJson e) {
            return "environment " + e.name();
        }
        var environment = ENVIRONMENT_PATH.matcher(call.path());
        if (environment.matches()) {
            return "environment " + environment.group(1);
        }
        var job = OFFLINE_JOB_PATH.matcher(call.path());
        if (job.matches()) {
            return "offline job " + job.group(1);
        }
        var branch = BRANCH_PATH.matcher(call.path());
        if (branch.matches()) {
            return "branch " + branch.group(1);
        }
        var secret = SECRET_PATH.matcher(call.path());
        if (secret.matches() && !"re-encrypt".equals(secret.group(1))) {
            return "secret " + secret.group(1);
        }
        return null;
    }
}
