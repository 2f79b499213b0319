package dev.slate.appliance.tracing;

import dev.slate.serving.engine.trace.QueryTrace;
import dev.slate.serving.engine.trace.StoredTrace;
import dev.slate.serving.engine.trace.TraceExport;
import dev.slate.serving.engine.trace.TraceParent;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns each finished online query's {@link QueryTrace} into OpenTelemetry spans (docs/operations.md, "Traces
 * (OpenTelemetry)"): one {@code slate.query} span, and one child per online-store read, resolver call and expression,
 * with the start times and durations the trace recorded. Nothing is timed twice, and the exported spans and {@code GET
 * /v1/queries/{id}} always agree.
 *
 * <p>Attributes are bounded and never carry entity keys or feature values: environment, query name (or {@code
 * adhoc}), rows, outcome; per child its kind, name (resolver or feature), resolver kind, outcome and, for a failed
 * HTTP resolver, the HTTP status. Failure messages are not exported (a source's message may quote a value).
 *
 * <p>Inactive (no span is built, queries record nothing for it) while the SDK is disabled, which is the default:
 * {@code quarkus.otel.sdk.disabled=true} until an operator points {@code quarkus.otel.exporter.otlp.endpoint} at a
 * collector and sets it to false.
 */
@Singleton
class OpenTelemetryTraceExport implements TraceExport {

    private static final Logger LOG = Logger.getLogger(OpenTelemetryTraceExport.class);
    static final String SCOPE = "dev.slate.serving";
    static final String ADHOC = "adhoc";
    private static final Pattern HTTP_STATUS = Pattern.compile("\\bHTTP (\\d{3})\\b");

    static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("slate.environment");
    static final AttributeKey<String> QUERY_NAME = AttributeKey.stringKey("slate.query.name");
    static final AttributeKey<String> QUERY_KIND = AttributeKey.stringKey("slate.query.kind");
    static final AttributeKey<String> QUERY_ID = AttributeKey.stringKey("slate.query.id");
    static final AttributeKey<Long> ROWS = AttributeKey.longKey("slate.query.rows");
    static final AttributeKey<Long> OUTPUTS = AttributeKey.longKey("slate.query.outputs");
    static final AttributeKey<Long> FEATURE_ERRORS = AttributeKey.longKey("slate.query.feature_errors");
    static final AttributeKey<Long> DEPLOYMENT_VERSION = AttributeKey.longKey("slate.deployment.version");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("slate.outcome");
    static final AttributeKey<String> STEP_KIND = AttributeKey.stringKey("slate.step.kind");
    static final AttributeKey<Long> ROW = AttributeKey.longKey("slate.row");
    static final AttributeKey<String> RESOLVER = AttributeKey.stringKey("slate.resolver.name");
    static final AttributeKey<String> RESOLVER_KIND = AttributeKey.stringKey("slate.resolver.kind");
    static final AttributeKey<String> FEATURE = AttributeKey.stringKey("slate.feature");
    static final AttributeKey<String> STORE_DETAIL = AttributeKey.stringKey("slate.store.detail");
    static final AttributeKey<Long> HTTP_STATUS_CODE = AttributeKey.longKey("http.response.status_code");

    private static final TextMapGetter<TraceParent> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceParent carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(TraceParent carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    private final Tracer tracer;
    private final boolean active;
    private final AtomicLong failures = new AtomicLong();

    OpenTelemetryTraceExport(
            OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean sdkDisabled) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.active = !sdkDisabled;
    }

    @Override
    public boolean active() {
        return active;
    }

    /** Traces that could not be turned into spans (logged once per minute at most). */
    long failures() {
        return failures.get();
    }

    @Override
    public void export(StoredTrace trace, FeatureGraph graph, TraceParent parent) {
        try {
            spans(trace, graph, parent);
        } catch (RuntimeException e) {
            if (failures.getAndIncrement() % 10_000 == 0) {
                LOG.warnf("a query trace could not be exported to OpenTelemetry: %s", e.toString());
            }
        }
    }

    private void spans(StoredTrace t, FeatureGraph graph, TraceParent parent) {
        Context parentContext = parent == null || parent == TraceParent.NONE
                ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), parent, HEADERS);
        long startEpochNanos = epochNanos(t.startedAt());
        Span query = tracer.spanBuilder("slate.query " + (t.bulk() ? "bulk" : "online"))
                .setParent(parentContext)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute(ENVIRONMENT, t.environment())
                .setAttribute(QUERY_NAME, t.queryName() == null ? ADHOC : t.queryName())
                .setAttribute(QUERY_KIND, t.bulk() ? "bulk" : "online")
                .setAttribute(QUERY_ID, t.queryId())
                .setAttribute(DEPLOYMENT_VERSION, t.deploymentVersion())
                .setAttribute(ROWS, (long) t.rows())
                .setAttribute(OUTPUTS, (long) t.outputs())
                .setAttribute(FEATURE_ERRORS, (long) t.featureErrors())
                .setAttribute(OUTCOME, t.failed() ? "partial" : "ok")
                .startSpan();
        Context queryContext = parentContext.with(query);
        QueryTrace spans = t.spans();
        for (int i = 0; i < spans.size(); i++) {
            QueryTrace.SpanKind kind = spans.kind(i);
            if (kind == null) {
                continue; // a slot reserved but not written: cannot happen once the query completed
            }
            long start = startEpochNanos + spans.startOffsetNanos(i);
            QueryTrace.SpanOutcome outcome = spans.outcome(i);
            String name = spans.name(i);
            var child = tracer.spanBuilder(kind.name().toLowerCase(Locale.ROOT) + " " + name)
                    .setParent(queryContext)
                    .setSpanKind(kind == QueryTrace.SpanKind.EXPRESSION ? SpanKind.INTERNAL : SpanKind.CLIENT)
                    .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                    .setAttribute(STEP_KIND, kind.name().toLowerCase(Locale.ROOT))
                    .setAttribute(OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
            if (spans.row(i) >= 0) {
                child.setAttribute(ROW, (long) spans.row(i));
            }
            switch (kind) {
                case STORE_READ -> {
                    if (outcome == QueryTrace.SpanOutcome.OK && spans.detail(i) != null) {
                        child.setAttribute(STORE_DETAIL, spans.detail(i)); // counts of keys and slots only
                    }
                }
                case RESOLVER -> {
                    child.setAttribute(RESOLVER, name);
                    String resolverKind = resolverKind(graph, name);
                    child.setAttribute(RESOLVER_KIND, resolverKind);
                    if ("http".equals(resolverKind) && spans.detail(i) != null) {
                        Matcher m = HTTP_STATUS.matcher(spans.detail(i));
                        if (m.find()) {
                            child.setAttribute(HTTP_STATUS_CODE, Long.parseLong(m.group(1)));
                        }
                    }
                }
                case EXPRESSION -> child.setAttribute(FEATURE, name);
            }
            Span span = child.startSpan();
            if (outcome == QueryTrace.SpanOutcome.FAILED || outcome == QueryTrace.SpanOutcome.TIMED_OUT) {
                span.setStatus(StatusCode.ERROR, outcome.name().toLowerCase(Locale.ROOT));
            }
            span.end(start + spans.durationNanos(i), TimeUnit.NANOSECONDS);
        }
        if (t.failed()) {
            query.setStatus(StatusCode.ERROR, t.featureErrors() + " feature values failed");
        }
        query.end(startEpochNanos + t.duration().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@code http}, {@code postgres} or {@code parquet}; {@code unknown} for a name the graph does not have. */
    static String resolverKind(FeatureGraph graph, String resolver) {
        ResolverNode node = graph == null ? null : graph.resolvers().get(resolver);
        if (node == null) {
            return "unknown";
        }
        if (node.http().isPresent()) {
            return "http";
        }
        SourceSpec source = graph.sources().get(node.source());
        return switch (source) {
            case SourceSpec.Postgres p -> "postgres";
            case SourceSpec.Parquet p -> "parquet";
            case null -> "unknown";
        };
    }

    private static long epochNanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }
}
