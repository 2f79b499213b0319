package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks once, before anything is measured, that both modes answer what the hand-written SQL computes from the same
 * table at the same T: pushdown equals {@link AggregationProject#handWrittenSql()} (exact windows), materialized equals
 * {@link AggregationProject#bucketAlignedSql()} (the bucket-aligned windows of docs/specs/aggregations.md), for every
 * user and output; no value may come from the online store's cache ({@code meta.cache_hit}), and no field may fail. A
 * materialized answer that equals the exact one for every user is suspicious (the buckets were not read) and is
 * reported. Any mismatch fails the run.
 */
final class AggregationCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The four values of one user: three counts and the 30-day spend (null when no positive amount). */
    record Values(long count1h, long count1d, long count7d, Double spend30d) {
        static Values of(Row r) {
            Numeric spend = r.getNumeric(3);
            return new Values(
                    r.getLong(0),
                    r.getLong(1),
                    r.getLong(2),
                    spend == null ? null : spend.bigDecimalValue().doubleValue());
        }

        /** Reads the four outputs from a Slate answer's {@code data}, by field name. */
        static Values of(JsonArray data) {
            List<String> names = AggregationProject.outputNames();
            return new Values(
                    field(data, names.get(0)).getLong("value"),
                    field(data, names.get(1)).getLong("value"),
                    field(data, names.get(2)).getLong("value"),
                    field(data, names.get(3)).getDouble("value"));
        }

        private static JsonObject field(JsonArray data, String name) {
            for (int i = 0; i < data.size(); i++) {
                if (name.equals(data.getJsonObject(i).getString("field"))) {
                    return data.getJsonObject(i);
                }
            }
            throw new IllegalStateException("the answer has no field " + name + ": " + data.encode());
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT, "[1h %d, 1d %d, 7d %d, spend 30d %s]", count1h, count1d, count7d, spend30d);
        }
    }

    /** What the check found. */
    record Outcome(Instant at, List<String> problems, int usersWhereModesDiffer, JsonObject explain) {}

    private final Pool pg;
    private final SlateAdmin pushdown;
    private final SlateAdmin materialized;
    private final PrintStream log;

    AggregationCheck(Pool pg, SlateAdmin pushdown, SlateAdmin materialized, PrintStream log) {
        this.pg = requireNonNull(pg, "pg is null");
        this.pushdown = requireNonNull(pushdown, "pushdown is null");
        this.materialized = requireNonNull(materialized, "materialized is null");
        this.log = requireNonNull(log, "log is null");
    }

    Outcome run(int users) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> problems = new ArrayList<>();
        int differ = 0;
        for (long u = 1; u <= users; u++) {
            Values exact = Values.of(Sync.await(
                            pg.preparedQuery(AggregationProject.handWrittenSql())
                                    .execute(Tuple.of(u, utc(t))),
                            TIMEOUT)
                    .iterator()
                    .next());
            Tuple aligned = Tuple.of(u);
            for (AggregationProject.Output o : AggregationProject.OUTPUTS) {
                aligned.addValue(utc(AggregationProject.alignedStart(t, o.window())));
            }
            aligned.addValue(utc(AggregationProject.alignedEnd(t)));
            Values bucketed = Values.of(Sync.await(
                            pg.preparedQuery(AggregationProject.bucketAlignedSql())
                                    .execute(aligned),
                            TIMEOUT)
                    .iterator()
                    .next());
            compare("pushdown", u, exact, slate(pushdown, u, t, problems), problems);
            compare("materialized", u, bucketed, slate(materialized, u, t, problems), problems);
            if (!exact.equals(bucketed)) {
                differ++;
            }
            if (u == 1) {
                log.println("check at " + t + ", user 1: hand-written SQL " + exact + ", bucket-aligned " + bucketed);
            }
        }
        if (differ == 0) {
            problems.add("the bucket-aligned and exact values agree for every user: the check cannot tell whether the"
                    + " materialized answers came from the buckets");
        }
        JsonObject explain =
                new JsonObject().put("pushdown", explain(pushdown, t)).put("materialized", explain(materialized, t));
        return new Outcome(t, problems, differ, explain);
    }

    private static void compare(String mode, long user, Values expected, Values got, List<String> problems) {
        if (got != null && !Objects.equals(expected, got)) {
            problems.add(String.format(
                    Locale.ROOT, "%s, user %d: Slate answered %s, the SQL %s", mode, user, got, expected));
        }
    }

    /** Slate's answer for {@code user} at {@code t}, or null (with the problem recorded) when it is not clean. */
    private static Values slate(SlateAdmin admin, long user, Instant t, List<String> problems) {
        HttpAnswer a = admin.call(
                HttpMethod.POST, "/v1/query/online", body(user, t, false).toBuffer());
        String problem = ResponseCheck.problem(a.status(), a.body());
        if (problem != null) {
            problems.add("user " + user + ": " + problem + " " + a.excerpt());
            return null;
        }
        JsonArray data = a.body().toJsonObject().getJsonArray("data");
        for (int i = 0; i < data.size(); i++) {
            JsonObject field = data.getJsonObject(i);
            JsonObject meta = field.getJsonObject("meta");
            if (meta == null || !Boolean.FALSE.equals(meta.getBoolean("cache_hit"))) {
                problems.add("user " + user + ", " + field.getString("field") + ": not computed by this query (meta "
                        + meta + ")");
            }
        }
        return Values.of(data);
    }

    private static String explain(SlateAdmin admin, Instant t) {
        HttpAnswer a =
                admin.call(HttpMethod.POST, "/v1/query/online", body(1, t, true).toBuffer());
        if (a.status() != 200) {
            return "HTTP " + a.status() + ": " + a.excerpt();
        }
        return a.body().toJsonObject().getJsonObject("meta").getString("explain_output");
    }

    static JsonObject body(long user, Instant t, boolean explain) {
        return new JsonObject()
                .put("inputs", new JsonObject().put(AggregationProject.PARENT + ".id", user))
                .put("outputs", new JsonArray(AggregationProject.outputNames()))
                .put("now", t.toString())
                .put("include_meta", true)
                .put("explain", explain);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
