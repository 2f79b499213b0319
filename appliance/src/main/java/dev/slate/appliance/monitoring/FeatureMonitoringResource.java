package dev.slate.appliance.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.monitoring.FeatureValueStats;
import dev.slate.serving.engine.monitoring.ReferenceSummary;
import dev.slate.serving.engine.monitoring.StatsWindow;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature-value monitoring over HTTP (docs/operations.md, "Feature-value monitoring" and "Drift"): a feature's
 * statistics over a window, its drift against a named reference, and the references. Reads need {@code
 * read.catalog} in the environment, changing references {@code deploy} (docs/security.md).
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class FeatureMonitoringResource {

    private final FeatureMonitoring monitoring;

    FeatureMonitoringResource(FeatureMonitoring monitoring) {
        this.monitoring = monitoring;
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record StatsJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("feature") String feature,
            @JsonProperty("window") String window,
            @JsonProperty("from") String from,
            @JsonProperty("until") String until,
            @JsonProperty("count") long count,
            @JsonProperty("nulls") long nulls,
            @JsonProperty("null_ratio") Double nullRatio,
            @JsonProperty("min") Double min,
            @JsonProperty("max") Double max,
            @JsonProperty("mean") Double mean,
            @JsonProperty("quantiles") Map<String, Double> quantiles,
            @JsonProperty("distinct") double distinct,
            @JsonProperty("top_values") List<Map<String, Object>> topValues,
            @JsonProperty("freshness") FreshnessJson freshness) {}

    public record FreshnessJson(
            @JsonProperty("served") long served,
            @JsonProperty("mean_age_seconds") Double meanAgeSeconds,
            @JsonProperty("max_age_seconds") Double maxAgeSeconds) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DriftJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("feature") String feature,
            @JsonProperty("reference") String reference,
            @JsonProperty("window") String window,
            @JsonProperty("reference_values") long referenceValues,
            @JsonProperty("current_values") long currentValues,
            @JsonProperty("psi") double psi,
            @JsonProperty("bins") int bins,
            @JsonProperty("ks_statistic") Double ksStatistic,
            @JsonProperty("ks_p_value") Double ksPValue) {}

    public record ReferenceBody(
            @JsonProperty("name") String name,
            @JsonProperty("job_id") String jobId) {}

    public record ReferenceJson(
            @JsonProperty("environment") String environment,
            @JsonProperty("name") String name,
            @JsonProperty("job_id") String jobId,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("features") List<ReferenceFeatureJson> features) {}

    public record ReferenceFeatureJson(
            @JsonProperty("feature") String feature,
            @JsonProperty("kind") String kind,
            @JsonProperty("values") long values,
            @JsonProperty("nulls") long nulls) {
        static ReferenceFeatureJson of(ReferenceSummary s) {
            return new ReferenceFeatureJson(
                    s.feature(), s.isNumeric() ? "numeric" : "categorical", s.total(), s.nulls());
        }
    }

    @GET
    @Path("/features/{name}/stats")
    public StatsJson stats(
            @HeaderParam(Environments.HEADER) String header,
            @PathParam("name") String feature,
            @QueryParam("window") String window) {
        FeatureValueStats s = monitoring.stats(Environments.fromHeader(header), feature, window(window));
        Map<String, Double> quantiles = new LinkedHashMap<>();
        s.numeric().ifPresent(n -> {
            for (int i = 0; i < FeatureValueStats.QUANTILES.length; i++) {
                quantiles.put(String.valueOf(FeatureValueStats.QUANTILES[i]), n.quantiles()[i]);
            }
        });
        List<Map<String, Object>> top = s.topValues().stream()
                .map(e -> Map.<String, Object>of("value", e.getKey(), "count", e.getValue()))
                .toList();
        return new StatsJson(
                s.environment(),
                s.feature(),
                s.window().spelling(),
                s.from().toString(),
                s.until().toString(),
                s.count(),
                s.nulls(),
                s.nullRatio().isPresent() ? s.nullRatio().getAsDouble() : null,
                s.numeric().map(FeatureValueStats.Numeric::min).orElse(null),
                s.numeric().map(FeatureValueStats.Numeric::max).orElse(null),
                s.numeric().map(FeatureValueStats.Numeric::mean).orElse(null),
                quantiles,
                s.distinct(),
                top,
                new FreshnessJson(
                        s.freshness().served(),
                        s.freshness().meanAgeSeconds().isPresent()
                                ? s.freshness().meanAgeSeconds().getAsDouble()
                                : null,
                        s.freshness().maxAgeSeconds().isPresent()
                                ? s.freshness().maxAgeSeconds().getAsDouble()
                                : null));
    }

    @GET
    @Path("/features/{name}/drift")
    public DriftJson drift(
            @HeaderParam(Environments.HEADER) String header,
            @PathParam("name") String feature,
            @QueryParam("reference") String reference,
            @QueryParam("window") String window) {
        if (reference == null || reference.isBlank()) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED, "'reference' is required: the name of a reference dataset");
        }
        DriftResult d = monitoring.drift(Environments.fromHeader(header), feature, reference, window(window));
        return new DriftJson(
                d.environment(),
                d.feature(),
                d.reference(),
                d.window().spelling(),
                d.referenceValues(),
                d.currentValues(),
                d.psi(),
                d.bins(),
                d.ks().map(DriftResult.Ks::statistic).orElse(null),
                d.ks().map(DriftResult.Ks::pValue).orElse(null));
    }

    @POST
    @Path("/monitoring/references")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createReference(@HeaderParam(Environments.HEADER) String header, ReferenceBody body) {
        if (body == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED, "request body is empty; expected {\"name\": ..., \"job_id\": ...}");
        }
        ReferenceStore.Reference r =
                monitoring.createReference(Environments.fromHeader(header), body.name(), body.jobId());
        return Response.status(201).entity(json(r)).build();
    }

    @GET
    @Path("/monitoring/references")
    public List<ReferenceJson> references(@HeaderParam(Environments.HEADER) String header) {
        return monitoring.references().list(Environments.fromHeader(header)).stream()
                .map(FeatureMonitoringResource::json)
                .toList();
    }

    @GET
    @Path("/monitoring/references/{name}")
    public ReferenceJson reference(@HeaderParam(Environments.HEADER) String header, @PathParam("name") String name) {
        String env = Environments.fromHeader(header);
        return json(monitoring.references().get(env, name).orElseThrow(() -> notFound(env, name)));
    }

    @DELETE
    @Path("/monitoring/references/{name}")
    public Response deleteReference(@HeaderParam(Environments.HEADER) String header, @PathParam("name") String name) {
        String env = Environments.fromHeader(header);
        if (!monitoring.references().delete(env, name)) {
            throw notFound(env, name);
        }
        return Response.noContent().build();
    }

    private static SlateException notFound(String env, String name) {
        return new SlateException(ErrorCode.NOT_FOUND, "no reference '" + name + "' in environment " + env);
    }

    private static ReferenceJson json(ReferenceStore.Reference r) {
        return new ReferenceJson(
                r.environment(),
                r.name(),
                r.jobId().orElse(null),
                r.createdAt().toString(),
                r.features().values().stream().map(ReferenceFeatureJson::of).toList());
    }

    private static StatsWindow window(String window) {
        if (window == null || window.isBlank()) {
            return StatsWindow.FIVE_MINUTES;
        }
        return StatsWindow.parse(window)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.VALIDATION_FAILED,
                        "unknown window '" + (window.length() > 20 ? window.substring(0, 20) + "..." : window)
                                + "'; one of " + StatsWindow.choices()));
    }
}
