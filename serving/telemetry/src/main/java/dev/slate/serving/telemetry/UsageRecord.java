package dev.slate.serving.telemetry;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One usage record of schema version {@value #SCHEMA_VERSION} (docs/specs/usage-records.md): {@code quantity} of
 * {@code metric} in {@code environment} (and named query) on {@code node} during [{@code periodStart}, {@code
 * periodEnd}).
 *
 * @param recordId the idempotency key: derived from node, environment, query name, metric and period start, so the same
 *     measurement always has the same id and a consumer that keeps ids bills a resent record once
 * @param queryName the named query, {@code adhoc} for queries that name none, empty for node seconds and offline rows
 */
public record UsageRecord(
        UUID recordId,
        String environment,
        Optional<String> queryName,
        UsageMetric metric,
        long quantity,
        Instant periodStart,
        Instant periodEnd,
        String node) {

    public static final int SCHEMA_VERSION = 1;
    /** The query name of a query that names no declared named query. */
    public static final String ADHOC = "adhoc";

    public UsageRecord {
        requireNonNull(recordId, "recordId is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(queryName, "queryName is null");
        requireNonNull(metric, "metric is null");
        requireNonNull(periodStart, "periodStart is null");
        requireNonNull(periodEnd, "periodEnd is null");
        requireNonNull(node, "node is null");
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity is negative: " + quantity);
        }
        if (periodEnd.isBefore(periodStart)) {
            throw new IllegalArgumentException("period ends before it starts");
        }
    }

    /** A record whose id is derived from what it measures (see {@link #idOf}). */
    public static UsageRecord of(
            String environment,
            Optional<String> queryName,
            UsageMetric metric,
            long quantity,
            Instant periodStart,
            Instant periodEnd,
            String node) {
        return new UsageRecord(
                idOf(node, environment, queryName, metric, periodStart),
                environment,
                queryName,
                metric,
                quantity,
                periodStart,
                periodEnd,
                node);
    }

    /**
     * The {@code offline_rows} record of one offline query job that succeeded, in the period holding its finish time.
     * Its id derives from the job id (not from the period), so two jobs finishing in one period are two records and
     * one job is never billed twice.
     */
    public static UsageRecord offlineRows(
            String environment, String jobId, long rows, Instant finishedAt, Duration period, String node) {
        long p = period.toMillis();
        Instant start = Instant.ofEpochMilli(Math.floorDiv(finishedAt.toEpochMilli(), p) * p);
        String name = "slate.usage.v" + SCHEMA_VERSION + '\0' + "offline_job" + '\0' + jobId + '\0'
                + UsageMetric.OFFLINE_ROWS.wireName();
        return new UsageRecord(
                UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)),
                environment,
                Optional.empty(),
                UsageMetric.OFFLINE_ROWS,
                rows,
                start,
                start.plus(period),
                node);
    }

    /**
     * The record id of a measurement: a name-based UUID of node, environment, query name, metric and period start,
     * separated by NUL (none of them can contain it).
     */
    public static UUID idOf(
            String node, String environment, Optional<String> queryName, UsageMetric metric, Instant periodStart) {
        String name = "slate.usage.v" + SCHEMA_VERSION + '\0' + node + '\0' + environment + '\0' + queryName.orElse("")
                + '\0' + metric.wireName() + '\0' + periodStart;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
