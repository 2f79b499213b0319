package dev.slate.serving.api.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.trace.QueryTrace;
import dev.slate.serving.engine.trace.StoredTrace;
import dev.slate.serving.engine.trace.TraceStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Wire form of one query's trace ({@code GET /v1/queries/{query_id}}), the shape documented in
 * docs/specs/query-trace.md: times in microseconds, span offsets from the query's start, spans in
 * start order so that a waterfall draws them as they come.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record QueryTraceBody(
        @JsonProperty("query_id") String queryId,
        @JsonProperty("environment") String environment,
        @JsonProperty("query_name") String queryName,
        @JsonProperty("kind") String kind,
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("deployment_version") long deploymentVersion,
        @JsonProperty("plan_hash") String planHash,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("duration_us") long durationUs,
        @JsonProperty("rows") int rows,
        @JsonProperty("outputs") int outputs,
        @JsonProperty("feature_errors") int featureErrors,
        @JsonProperty("retention") String retention,
        @JsonProperty("spans") List<SpanBody> spans,
        @JsonProperty("spans_dropped") int spansDropped) {

    /**
     * @param row the query row the span ran for; null for the store read (all rows at once)
     * @param detail a short note (the store read's hits and misses, a failure's message), or null
     */
    public record SpanBody(
            @JsonProperty("kind") String kind,
            @JsonProperty("name") String name,
            @JsonProperty("row") Integer row,
            @JsonProperty("start_us") double startUs,
            @JsonProperty("duration_us") double durationUs,
            @JsonProperty("outcome") String outcome,
            @JsonProperty("detail") String detail) {}

    static QueryTraceBody of(StoredTrace t, TraceStore.Keep keep) {
        QueryTrace q = t.spans();
        List<SpanBody> spans = new ArrayList<>(q.size());
        Integer[] order = new Integer[q.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(q.startOffsetNanos(a), q.startOffsetNanos(b)));
        for (int i : order) {
            spans.add(new SpanBody(
                    lower(q.kind(i).name()),
                    q.name(i),
                    q.row(i) < 0 ? null : q.row(i),
                    micros(q.startOffsetNanos(i)),
                    micros(q.durationNanos(i)),
                    lower(q.outcome(i).name()),
                    q.detail(i)));
        }
        return new QueryTraceBody(
                t.queryId(),
                t.environment(),
                t.queryName(),
                t.bulk() ? "bulk" : "online",
                t.deploymentId(),
                t.deploymentVersion(),
                t.planHash(),
                t.startedAt().toString(),
                t.duration().toNanos() / 1000,
                t.rows(),
                t.outputs(),
                t.featureErrors(),
                keep == TraceStore.Keep.NONE ? "window" : lower(keep.name()),
                spans,
                q.dropped());
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0; // one decimal: 0.1 µs
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
