package dev.slate.control.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.serving.model.Durations;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /v1/alerts}: alert rules, channels, silences and the delivery log of the request's
 * environment (docs/alerts.md). Blocking (JDBC): worker threads.
 */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AlertResource {

    static final String ENVIRONMENT_HEADER = "X-Slate-Environment";

    private final AlertStore store;
    private final Instance<MetricSource> metrics;
    private final Instance<MonitoredNames> names;

    AlertResource(AlertStore store, Instance<MetricSource> metrics, Instance<MonitoredNames> names) {
        this.store = store;
        this.metrics = metrics;
        this.names = names;
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RuleBody(
            @JsonProperty("formula") String formula,
            @JsonProperty("comparator") String comparator,
            @JsonProperty("threshold") Double threshold,
            @JsonProperty("window") String window,
            @JsonProperty("severity") String severity,
            @JsonProperty("owner") String owner,
            @JsonProperty("channels") List<String> channels,
            @JsonProperty("description") String description) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RuleJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("name") String name,
            @JsonProperty("formula") String formula,
            @JsonProperty("comparator") String comparator,
            @JsonProperty("threshold") double threshold,
            @JsonProperty("window") String window,
            @JsonProperty("severity") String severity,
            @JsonProperty("owner") String owner,
            @JsonProperty("channels") List<String> channels,
            @JsonProperty("description") String description,
            @JsonProperty("state") StateJson state,
            @JsonProperty("origin") String origin,
            @JsonProperty("declared_at") String declaredAt) {}

    public record StateJson(
            @JsonProperty("status") String status,
            @JsonProperty("since") String since,
            @JsonProperty("value") Double value) {}

    public record ChannelBody(
            @JsonProperty("kind") String kind,
            @JsonProperty("url") String url,
            @JsonProperty("secret") String secret,
            @JsonProperty("email_to") String emailTo) {}

    public record ChannelJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("name") String name,
            @JsonProperty("kind") String kind,
            @JsonProperty("url") String url,
            @JsonProperty("secret") String secret,
            @JsonProperty("email_to") String emailTo) {}

    public record SilenceBody(
            @JsonProperty("rule") String rule,
            @JsonProperty("duration") String duration,
            @JsonProperty("reason") String reason) {}

    public record SilenceJson(
            @JsonProperty("id") long id,
            @JsonProperty("rule") String rule,
            @JsonProperty("until") String until,
            @JsonProperty("reason") String reason,
            @JsonProperty("created_by") String createdBy) {}

    public record NotificationJson(
            @JsonProperty("id") long id,
            @JsonProperty("rule") String rule,
            @JsonProperty("channel") String channel,
            @JsonProperty("event") String event,
            @JsonProperty("dedup_key") String dedupKey,
            @JsonProperty("status") String status,
            @JsonProperty("attempts") int attempts,
            @JsonProperty("error") String error,
            @JsonProperty("at") String at) {}

    // ---- rules ----------------------------------------------------------------------------------

    @GET
    public List<RuleJson> rules(@HeaderParam(ENVIRONMENT_HEADER) String header) {
        String env = environment(header);
        Map<String, String> declared = store.declared(env);
        return store.rules(env).stream()
                .map(r -> json(r, store.state(env, r.name()), Optional.ofNullable(declared.get(r.name()))))
                .toList();
    }

    @PUT
    @Path("/{name}")
    public RuleJson putRule(
            @HeaderParam(ENVIRONMENT_HEADER) String header, @PathParam("name") String name, RuleBody body) {
        String env = environment(header);
        if (body == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "request body is empty; expected a JSON object with formula, threshold and owner");
        }
        refuseDeclared(env, name);
        Set<String> channels =
                store.channels(env).stream().map(AlertChannel::name).collect(Collectors.toSet());
        AlertRule rule = AlertRules.rule(
                env,
                name,
                new AlertRules.RuleRequest(
                        body.formula(),
                        body.comparator(),
                        body.threshold(),
                        body.window(),
                        body.severity(),
                        body.owner(),
                        body.channels(),
                        body.description()),
                knownMetrics(),
                channels,
                names.isResolvable()
                        ? new FormulaLabels(
                                names.get().features(env), names.get().references(env))
                        : FormulaLabels.NONE);
        store.putRule(rule);
        return json(rule, store.state(env, name), Optional.empty());
    }

    @DELETE
    @Path("/{name}")
    public Response deleteRule(@HeaderParam(ENVIRONMENT_HEADER) String header, @PathParam("name") String name) {
        String env = environment(header);
        refuseDeclared(env, name);
        if (!store.deleteRule(env, name)) {
            throw new SlateException(ErrorCode.NOT_FOUND, "no alert rule '" + name + "' in environment " + env);
        }
        return Response.noContent().build();
    }

    // ---- channels -------------------------------------------------------------------------------

    @GET
    @Path("/channels")
    public List<ChannelJson> channels(@HeaderParam(ENVIRONMENT_HEADER) String header) {
        return store.channels(environment(header)).stream()
                .map(AlertResource::json)
                .toList();
    }

    @PUT
    @Path("/channels/{name}")
    public ChannelJson putChannel(
            @HeaderParam(ENVIRONMENT_HEADER) String header, @PathParam("name") String name, ChannelBody body) {
        String env = environment(header);
        if (body == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED, "request body is empty; expected a JSON object with kind and url");
        }
        AlertChannel channel = AlertRules.channel(
                env, name, new AlertRules.ChannelRequest(body.kind(), body.url(), body.secret(), body.emailTo()));
        store.putChannel(channel);
        return json(channel);
    }

    @DELETE
    @Path("/channels/{name}")
    public Response deleteChannel(@HeaderParam(ENVIRONMENT_HEADER) String header, @PathParam("name") String name) {
        String env = environment(header);
        if (!store.deleteChannel(env, name)) {
            throw new SlateException(ErrorCode.NOT_FOUND, "no alert channel '" + name + "' in environment " + env);
        }
        return Response.noContent().build();
    }

    // ---- silences and deliveries ----------------------------------------------------------------

    @GET
    @Path("/silences")
    public List<SilenceJson> silences(@HeaderParam(ENVIRONMENT_HEADER) String header) {
        return store.activeSilences(environment(header), Instant.now()).stream()
                .map(s -> new SilenceJson(
                        s.id(),
                        s.rule().orElse(null),
                        s.until().toString(),
                        s.reason().orElse(null),
                        s.createdBy().orElse(null)))
                .toList();
    }

    @POST
    @Path("/silences")
    public Response silence(
            @HeaderParam(ENVIRONMENT_HEADER) String header, SilenceBody body, @Context SecurityContext security) {
        String env = environment(header);
        if (body == null || body.duration() == null) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED,
                    "a silence needs 'duration' (e.g. 2h) and may name a 'rule' (default: every rule)");
        }
        Duration d;
        try {
            d = Durations.parse(body.duration());
        } catch (IllegalArgumentException e) {
            throw new SlateException(ErrorCode.VALIDATION_FAILED, "duration: " + e.getMessage(), e);
        }
        if (d.isZero() || d.compareTo(Duration.ofDays(30)) > 0) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED, "duration: a silence lasts more than 0s and at most 30d");
        }
        if (body.rule() != null
                && store.rules(env).stream().noneMatch(r -> r.name().equals(body.rule()))) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED, "rule: no alert rule '" + body.rule() + "' in environment " + env);
        }
        Instant until = Instant.now().plus(d);
        Optional<String> by = Optional.ofNullable(
                security == null || security.getUserPrincipal() == null
                        ? null
                        : security.getUserPrincipal().getName());
        long id =
                store.addSilence(env, Optional.ofNullable(body.rule()), until, Optional.ofNullable(body.reason()), by);
        return Response.status(201)
                .entity(new SilenceJson(id, body.rule(), until.toString(), body.reason(), by.orElse(null)))
                .build();
    }

    @GET
    @Path("/notifications")
    public List<NotificationJson> notifications(
            @HeaderParam(ENVIRONMENT_HEADER) String header, @QueryParam("limit") @DefaultValue("100") int limit) {
        return store.notifications(environment(header), Math.max(1, Math.min(limit, 1000))).stream()
                .map(n -> new NotificationJson(
                        n.id(),
                        n.rule(),
                        n.channel(),
                        n.event(),
                        n.dedupKey(),
                        n.status(),
                        n.attempts(),
                        n.lastError().orElse(null),
                        n.at().toString()))
                .toList();
    }

    /** A rule declared in the project is changed in the project (docs/alerts.md, "Rules in the project"). */
    private void refuseDeclared(String env, String name) {
        store.declaredAt(env, name).ifPresent(at -> {
            throw new SlateException(
                    ErrorCode.CONFLICT,
                    "alert rule '" + name + "' is declared in the active deployment's project (" + at
                            + "); change or remove it there and deploy");
        });
    }

    private Set<String> knownMetrics() {
        return metrics.isResolvable() ? metrics.get().known() : Set.of();
    }

    private static String environment(String header) {
        return header == null || header.isEmpty() ? EnvironmentName.DEFAULT : EnvironmentName.require(header);
    }

    private static RuleJson json(AlertRule r, Optional<AlertStore.State> state, Optional<String> declaredAt) {
        return new RuleJson(
                r.environment(),
                r.name(),
                r.formula().text(),
                r.comparator().symbol(),
                r.threshold(),
                Durations.format(r.window()),
                r.severity().name().toLowerCase(Locale.ROOT),
                r.owner(),
                r.channels(),
                r.description().orElse(null),
                state.map(s -> new StateJson(s.status(), s.since().toString(), s.lastValue()))
                        .orElse(new StateJson(AlertEvaluator.OK, null, null)),
                declaredAt.isPresent() ? "project" : "api",
                declaredAt.orElse(null));
    }

    private static ChannelJson json(AlertChannel c) {
        return new ChannelJson(
                c.environment(),
                c.name(),
                c.kind().name().toLowerCase(Locale.ROOT),
                c.url().toString(),
                c.secret().orElse(null),
                c.emailTo().orElse(null));
    }
}
