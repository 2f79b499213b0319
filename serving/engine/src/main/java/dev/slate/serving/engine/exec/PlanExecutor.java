package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.AggregationException;
import dev.slate.serving.engine.aggregate.BucketedAggregations;
import dev.slate.serving.engine.aggregate.RelatedRow;
import dev.slate.serving.engine.aggregate.WindowAggregator;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlanStep;
import dev.slate.serving.engine.plan.PlannedFeature;
import dev.slate.serving.engine.plan.StoreReadGroup;
import dev.slate.serving.engine.trace.QueryTrace;
import dev.slate.serving.engine.trace.QueryTrace.SpanKind;
import dev.slate.serving.engine.trace.QueryTrace.SpanOutcome;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueConversionException;
import dev.slate.storage.spi.Values;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a plan for one or more rows: one online-store round trip for every row, then only the steps
 * whose outputs are still missing, each as soon as its inputs are ready (independent steps run
 * concurrently), then an asynchronous write-back of what was computed.
 *
 * <p>Failures stay per feature: a failing or slow resolver marks its outputs (and what depends on
 * them) with an error; everything else is still answered. An unreachable online store degrades to
 * computing everything.
 */
public final class PlanExecutor {

    /** How much longer than a resolver's timeout the executor waits before failing the run itself. */
    static final Duration RUNNER_TIMEOUT_GRACE = Duration.ofMillis(50);

    private final OnlineStore store;
    private final ResolverRunner runner;
    private final QueryObserver observer;
    private final Duration storeTimeout;
    private final Optional<BucketedAggregations> bucketed;

    public PlanExecutor(OnlineStore store, ResolverRunner runner, QueryObserver observer, Duration storeTimeout) {
        this.store = requireNonNull(store, "store is null");
        this.bucketed = store.buckets().map(b -> new BucketedAggregations(b, Clock.systemUTC()));
        this.runner = requireNonNull(runner, "runner is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.storeTimeout = requireNonNull(storeTimeout, "storeTimeout is null");
    }

    /**
     * @param inputRows per row, the input values in {@code plan.inputSlots()} order, already converted
     *     to canonical form
     */
    public QueryObserver observer() {
        return observer;
    }

    public CompletionStage<List<RowResult>> execute(
            FeatureGraph graph, String namespace, Plan plan, List<Object[]> inputRows, Instant now) {
        return execute(graph, namespace, plan, inputRows, now, QueryTrace.OFF);
    }

    /** As {@link #execute(FeatureGraph, String, Plan, List, Instant)}, recording spans into {@code trace}. */
    public CompletionStage<List<RowResult>> execute(
            FeatureGraph graph, String namespace, Plan plan, List<Object[]> inputRows, Instant now, QueryTrace trace) {
        return execute(graph, namespace, plan, inputRows, now, trace, true);
    }

    /**
     * As {@link #execute(FeatureGraph, String, Plan, List, Instant, QueryTrace)}; with {@code writeBack} false, values
     * computed are never written to the online store (a branch query reads its environment's store but does not
     * change it: docs/environments.md, "Branches").
     */
    public CompletionStage<List<RowResult>> execute(
            FeatureGraph graph,
            String namespace,
            Plan plan,
            List<Object[]> inputRows,
            Instant now,
            QueryTrace trace,
            boolean writeBack) {
        int slots = plan.features().size();
        List<RowResult> rows = new ArrayList<>(inputRows.size());
        for (Object[] in : inputRows) {
            RowResult r =
                    new RowResult(new Object[slots], new FeatureError[slots], new boolean[slots], new Instant[slots]);
            for (int i = 0; i < plan.inputSlots().length; i++) {
                int s = plan.inputSlots()[i];
                r.values()[s] = in[i];
                r.observedAt()[s] = now;
            }
            rows.add(r);
        }
        // a bulk query runs each resolver once for all its rows (docs/specs/resolver-batching.md)
        ResolverBatcher calls = rows.size() > 1 ? new ResolverBatcher(runner, graph) : null;
        boolean[] storeFailed = new boolean[1];
        return readStore(namespace, plan, rows, now, trace, storeFailed)
                .thenCompose(marked -> runSteps(graph, namespace, plan, rows, marked, now, trace, calls))
                .thenApply(v -> {
                    // when the read failed or timed out the store is unwell: writing back everything just computed
                    // (every row's every feature) would load it further and keep it failing
                    if (writeBack && !storeFailed[0]) {
                        writeBack(namespace, plan, rows);
                    }
                    return rows;
                });
    }

    // ---- 1. online store ---------------------------------------------------------------------

    /** Reads every row's store slots in one call; returns per row which slots are available. */
    private CompletionStage<boolean[][]> readStore(
            String namespace, Plan plan, List<RowResult> rows, Instant now, QueryTrace trace, boolean[] failed) {
        boolean[][] available = new boolean[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            boolean[] a = new boolean[plan.features().size()];
            for (int s : plan.inputSlots()) {
                a[s] = true;
            }
            available[r] = a;
        }
        if (plan.storeReads().isEmpty()) {
            return CompletableFuture.completedFuture(available);
        }
        List<OnlineRead> reads = new ArrayList<>(rows.size() * plan.storeReads().size());
        List<int[]> readIndex = new ArrayList<>(); // {row, group}
        for (int r = 0; r < rows.size(); r++) {
            Object[] values = rows.get(r).values();
            for (int g = 0; g < plan.storeReads().size(); g++) {
                StoreReadGroup group = plan.storeReads().get(g);
                Object key = values[group.keySlot()];
                if (key != null) {
                    reads.add(new OnlineRead(new EntityRef(namespace, group.entity(), key), group.storeSlots()));
                    readIndex.add(new int[] {r, g});
                }
            }
        }
        if (reads.isEmpty()) {
            return CompletableFuture.completedFuture(available);
        }
        long start = System.nanoTime();
        return store.read(reads)
                .toCompletableFuture()
                .orTimeout(storeTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((result, failure) -> {
                    if (failure != null) {
                        Throwable cause = unwrap(failure);
                        observer.storeFailure("read", cause);
                        failed[0] = true;
                        markStoreUnavailable(plan, rows);
                        trace.span(
                                SpanKind.STORE_READ,
                                "online-store",
                                -1,
                                start,
                                System.nanoTime(),
                                cause instanceof TimeoutException ? SpanOutcome.TIMED_OUT : SpanOutcome.FAILED,
                                reads.size() + " keys");
                        return available;
                    }
                    int hits = 0;
                    int misses = 0;
                    for (int i = 0; i < result.size(); i++) {
                        int[] idx = readIndex.get(i);
                        RowResult row = rows.get(idx[0]);
                        StoreReadGroup group = plan.storeReads().get(idx[1]);
                        List<StoredValue> got = result.get(i);
                        for (int j = 0; j < group.slots().length; j++) {
                            int s = group.slots()[j];
                            StoredValue v = got.get(j);
                            PlannedFeature f = plan.features().get(s);
                            if (v != null && fresh(v.observedAt(), f.staleness(), now)) {
                                row.values()[s] = v.value();
                                row.cacheHit()[s] = true;
                                row.observedAt()[s] = v.observedAt();
                                available[idx[0]][s] = true;
                                hits++;
                            } else {
                                misses++;
                            }
                        }
                    }
                    long end = System.nanoTime();
                    observer.storeRead(hits, misses, Duration.ofNanos(end - start));
                    if (trace.enabled()) {
                        trace.span(
                                SpanKind.STORE_READ,
                                "online-store",
                                -1,
                                start,
                                end,
                                SpanOutcome.OK,
                                reads.size() + " keys, " + hits + " fresh, " + misses + " missing or stale");
                    }
                    return available;
                });
    }

    private static void markStoreUnavailable(Plan plan, List<RowResult> rows) {
        for (PlannedFeature f : plan.features()) {
            if (f.origin() == PlannedFeature.Origin.STORE) {
                for (RowResult row : rows) {
                    row.errors()[f.slot()] = new FeatureError(
                            ErrorCode.UPSTREAM_FAILED,
                            null,
                            "online store unavailable; ingested feature "
                                    + f.node().id() + " cannot be read");
                }
            }
        }
    }

    static boolean fresh(Instant observedAt, Optional<Duration> staleness, Instant now) {
        if (observedAt.isAfter(now)) {
            return false; // observed after the query time: not known at `now`
        }
        return staleness.isEmpty()
                || !Duration.between(observedAt, now).minus(staleness.get()).isPositive();
    }

    // ---- 2. steps ----------------------------------------------------------------------------

    private CompletionStage<Void> runSteps(
            FeatureGraph graph,
            String namespace,
            Plan plan,
            List<RowResult> rows,
            boolean[][] available,
            Instant now,
            QueryTrace trace,
            ResolverBatcher calls) {
        if (plan.steps().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        if (calls != null) {
            calls.hold();
        }
        try {
            for (int r = 0; r < rows.size(); r++) {
                CompletableFuture<Void> row =
                        runRow(graph, namespace, plan, rows.get(r), r, available[r], now, trace, calls);
                if (!row.isDone()) {
                    all.add(row);
                }
            }
        } finally {
            if (calls != null) {
                calls.release();
            }
        }
        return all.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> runRow(
            FeatureGraph graph,
            String namespace,
            Plan plan,
            RowResult row,
            int rowIndex,
            boolean[] available,
            Instant now,
            QueryTrace trace,
            ResolverBatcher calls) {
        List<PlanStep> steps = plan.steps();
        boolean[] needed = new boolean[steps.size()];
        for (int s : plan.outputSlots()) {
            need(plan, s, available, needed);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] futures = new CompletableFuture[steps.size()];
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (!needed[i]) {
                continue;
            }
            PlanStep step = steps.get(i);
            List<CompletableFuture<Void>> deps = new ArrayList<>(2);
            for (int in : step.inputSlots()) {
                int p = plan.producerStep()[in];
                if (p >= 0 && futures[p] != null && !futures[p].isDone() && !deps.contains(futures[p])) {
                    deps.add(futures[p]);
                }
            }
            CompletableFuture<Void> f;
            if (deps.isEmpty()) {
                f = runStep(graph, namespace, plan, step, row, rowIndex, now, trace, calls);
            } else {
                CompletableFuture<Void> ready = deps.size() == 1
                        ? deps.get(0)
                        : CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new));
                f = ready.thenCompose(v -> runStep(graph, namespace, plan, step, row, rowIndex, now, trace, calls));
            }
            futures[i] = f;
            if (!f.isDone()) {
                pending.add(f);
            }
        }
        return pending.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    private static void need(Plan plan, int slot, boolean[] available, boolean[] needed) {
        if (available[slot]) {
            return;
        }
        int p = plan.producerStep()[slot];
        if (p < 0 || needed[p]) {
            return;
        }
        needed[p] = true;
        for (int in : plan.steps().get(p).inputSlots()) {
            need(plan, in, available, needed);
        }
    }

    private CompletableFuture<Void> runStep(
            FeatureGraph graph,
            String namespace,
            Plan plan,
            PlanStep step,
            RowResult row,
            int rowIndex,
            Instant now,
            QueryTrace trace,
            ResolverBatcher calls) {
        FeatureError upstream = upstreamError(plan, step, row);
        if (upstream != null) {
            if (trace.enabled()) {
                long t = System.nanoTime();
                trace.span(
                        step instanceof PlanStep.Resolve ? SpanKind.RESOLVER : SpanKind.EXPRESSION,
                        stepName(plan, step),
                        rowIndex,
                        t,
                        t,
                        SpanOutcome.SKIPPED,
                        upstream.message());
            }
            for (int s : step.outputSlots()) {
                if (row.cacheHit()[s]) {
                    continue; // fresh from the store: the step ran for another output, its failure does not concern
                    // this one
                }
                row.errors()[s] = upstream;
                row.observedAt()[s] = now;
            }
            return CompletableFuture.completedFuture(null);
        }
        return switch (step) {
            case PlanStep.Compute c -> {
                if (trace.enabled()) {
                    long t = System.nanoTime();
                    boolean ok = compute(plan, c, row, now);
                    trace.span(
                            SpanKind.EXPRESSION,
                            stepName(plan, c),
                            rowIndex,
                            t,
                            System.nanoTime(),
                            ok ? SpanOutcome.OK : SpanOutcome.FAILED,
                            ok ? null : row.errors()[c.outputSlot()].message());
                } else {
                    compute(plan, c, row, now);
                }
                yield CompletableFuture.completedFuture(null);
            }
            case PlanStep.Resolve r -> resolve(graph, plan, r, row, rowIndex, now, trace, calls);
            case PlanStep.Follow f -> follow(graph, namespace, plan, f, row, now);
            case PlanStep.Aggregate a -> aggregate(graph, plan, a, row, now);
            case PlanStep.MaterializedAggregate m -> materialized(graph, namespace, plan, m, row, rowIndex, now, trace);
            case PlanStep.ListRows l -> list(graph, l, row, now);
        };
    }

    /** A step's name in traces: the resolver's name, or the computed feature's qualified name. */
    private static String stepName(Plan plan, PlanStep step) {
        return switch (step) {
            case PlanStep.Resolve r -> r.resolver().name();
            case PlanStep.Compute c ->
                plan.features().get(c.outputSlot()).node().id().qualified();
            case PlanStep.Follow f -> f.relation().id().qualified();
            case PlanStep.Aggregate a -> a.rows().name();
            case PlanStep.MaterializedAggregate m ->
                "buckets of " + m.relation().id().qualified();
            case PlanStep.ListRows l -> l.rows().name();
        };
    }

    // ---- relations -----------------------------------------------------------------------------

    /**
     * Runs the related entity's plan from this row's foreign-key values. A null foreign key, or a related row that
     * gives no value for any requested feature, is a missing related row: null without error, or an error when the
     * relation is {@code required}.
     */
    private CompletableFuture<Void> follow(
            FeatureGraph graph, String namespace, Plan plan, PlanStep.Follow f, RowResult row, Instant now) {
        Object[] keys = new Object[f.inputSlots().length];
        boolean missing = false;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = row.values()[f.inputSlots()[i]];
            missing |= keys[i] == null;
        }
        if (missing) {
            missingRelated(plan, f, row, now, "its foreign key " + names(plan, f.inputSlots()) + " is null");
            return CompletableFuture.completedFuture(null);
        }
        return execute(graph, namespace, f.related(), List.<Object[]>of(keys), now)
                .toCompletableFuture()
                .handle((results, failure) -> {
                    if (failure != null) {
                        FeatureError e = new FeatureError(
                                ErrorCode.UPSTREAM_FAILED,
                                null,
                                "relation " + f.relation().id() + " failed: " + safeMessage(unwrap(failure)));
                        for (int s : f.outputSlots()) {
                            row.errors()[s] = e;
                            row.observedAt()[s] = now;
                        }
                        return null;
                    }
                    RowResult related = results.getFirst();
                    int[] relatedOuts = f.related().outputSlots();
                    boolean anyValue = false;
                    for (int i = 0; i < relatedOuts.length; i++) {
                        int s = f.outputSlots()[i];
                        int r = relatedOuts[i];
                        row.values()[s] = related.values()[r];
                        row.errors()[s] = related.errors()[r];
                        row.observedAt()[s] = related.observedAt()[r] == null ? now : related.observedAt()[r];
                        anyValue |= related.values()[r] != null;
                    }
                    if (!anyValue
                            && f.relation().required()
                            && Arrays.stream(relatedOuts).allMatch(r -> related.errors()[r] == null)) {
                        missingRelated(
                                plan,
                                f,
                                row,
                                now,
                                "no related " + f.relation().target() + " row for " + names(plan, f.inputSlots())
                                        + " = " + Arrays.toString(keys));
                    }
                    return null;
                });
    }

    private static void missingRelated(Plan plan, PlanStep.Follow f, RowResult row, Instant now, String why) {
        for (int s : f.outputSlots()) {
            row.values()[s] = null;
            row.observedAt()[s] = now;
            if (f.relation().required()) {
                row.errors()[s] = new FeatureError(
                        ErrorCode.RESOLVER_FAILED,
                        null,
                        "required relation " + f.relation().id() + ": " + why);
            }
        }
    }

    private static String names(Plan plan, int[] slots) {
        StringBuilder sb = new StringBuilder();
        for (int s : slots) {
            sb.append(sb.isEmpty() ? "" : ", ")
                    .append(plan.features().get(s).node().id());
        }
        return sb.toString();
    }

    // ---- aggregations (pushdown) ---------------------------------------------------------------

    /**
     * Computes every window of the step. Where the source can (docs/specs/aggregations.md, "Online: pushdown"), one
     * statement computes the aggregates themselves ({@link ResolverRunner#runAggregates}); the rest
     * ({@code approx_count_distinct}, a {@code where} that is not a {@link dev.slate.serving.model.graph.RowCondition},
     * {@code first}/{@code last} of strings, sources that cannot) are computed here from the related rows of their
     * longest window, listed in one more statement ({@link WindowAggregator}).
     */
    private CompletableFuture<Void> aggregate(
            FeatureGraph graph, Plan plan, PlanStep.Aggregate a, RowResult row, Instant now) {
        Object[] params = parameters(row, a.inputSlots());
        if (params == null) {
            for (int s : a.outputSlots()) {
                row.observedAt()[s] = now;
                row.values()[s] = null; // no parent key: no related rows
            }
            return CompletableFuture.completedFuture(null);
        }
        boolean inSource = runner.aggregatesInSource(graph, a.rows());
        List<Integer> inSql = new ArrayList<>();
        List<AggregateQuery.Item> items = new ArrayList<>();
        List<Integer> fromRows = new ArrayList<>();
        for (int w = 0; w < a.windows().size(); w++) {
            Optional<AggregateQuery.Item> item = inSource
                    ? SourceAggregates.item(graph, a.rows(), a.windows().get(w), now)
                    : Optional.empty();
            if (item.isPresent()) {
                inSql.add(w);
                items.add(item.get());
            } else {
                fromRows.add(w);
            }
        }
        CompletableFuture<Void> sql = inSql.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : aggregateInSource(graph, a, items, inSql, row, now, params);
        CompletableFuture<Void> rows = fromRows.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : aggregateFromRows(graph, a, fromRows, row, now, params);
        return CompletableFuture.allOf(sql, rows);
    }

    private CompletableFuture<Void> aggregateInSource(
            FeatureGraph graph,
            PlanStep.Aggregate a,
            List<AggregateQuery.Item> items,
            List<Integer> windows,
            RowResult row,
            Instant now,
            Object[] params) {
        String timeColumn = timeColumn(a.rows(), a.time());
        Instant after = now;
        for (AggregateQuery.Item item : items) {
            after = item.after().isBefore(after) ? item.after() : after;
        }
        AggregateQuery query = timeColumn == null ? null : new AggregateQuery(timeColumn, after, now, items);
        return runMany(a.rows(), a.time(), timeColumn, () -> runner.runAggregates(graph, a.rows(), query, params))
                .thenAccept(answer -> {
                    for (int i = 0; i < windows.size(); i++) {
                        int s = a.outputSlots()[windows.get(i)];
                        Producer.Aggregated aggregated = a.windows().get(windows.get(i));
                        row.observedAt()[s] = now;
                        if (answer.error() != null) {
                            row.errors()[s] = answer.error();
                            continue;
                        }
                        try {
                            row.values()[s] = SourceAggregates.value(
                                    aggregated.aggregation(), answer.value().get(i));
                        } catch (ArithmeticException | IllegalArgumentException e) {
                            row.errors()[s] = new FeatureError(
                                    ErrorCode.RESOLVER_FAILED,
                                    aggregated.aggregation().id().toString(),
                                    aggregated.aggregation().id() + ": " + e.getMessage());
                        }
                    }
                });
    }

    /** Lists the related rows of the longest of {@code windows} in one statement, then computes them here. */
    private CompletableFuture<Void> aggregateFromRows(
            FeatureGraph graph,
            PlanStep.Aggregate a,
            List<Integer> windows,
            RowResult row,
            Instant now,
            Object[] params) {
        Duration longest = Duration.ZERO;
        for (int w : windows) {
            Duration d = a.windows().get(w).window();
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        Duration window = longest;
        return relatedRows(
                        graph,
                        a.rows(),
                        a.time(),
                        column -> new RowsQuery(column, Optional.of(now.minus(window)), now, 0),
                        params)
                .thenAccept(answer -> {
                    for (int w : windows) {
                        int s = a.outputSlots()[w];
                        Producer.Aggregated aggregated = a.windows().get(w);
                        row.observedAt()[s] = now;
                        if (answer.error() != null) {
                            row.errors()[s] = answer.error();
                            continue;
                        }
                        try {
                            row.values()[s] = WindowAggregator.compute(
                                    aggregated.aggregation(), List.of(aggregated.window()), answer.rows(), now)[0];
                        } catch (AggregationException e) {
                            row.errors()[s] = new FeatureError(
                                    ErrorCode.RESOLVER_FAILED,
                                    aggregated.aggregation().id().toString(),
                                    e.getMessage());
                        }
                    }
                });
    }

    /**
     * Windows of materialized aggregations from their buckets (docs/specs/aggregations.md, "Online: materialized"):
     * one read of the parent's buckets. When the buckets do not cover the longest window's start and the relation has
     * a rows resolver, the pushdown fallback computes them; the trace says why.
     */
    private CompletableFuture<Void> materialized(
            FeatureGraph graph,
            String namespace,
            Plan plan,
            PlanStep.MaterializedAggregate m,
            RowResult row,
            int rowIndex,
            Instant now,
            QueryTrace trace) {
        Object parent = row.values()[m.inputSlots()[0]];
        if (parent == null) {
            for (int s : m.outputSlots()) {
                row.observedAt()[s] = now;
                row.values()[s] = null; // no parent key: no related rows
            }
            return CompletableFuture.completedFuture(null);
        }
        long start = System.nanoTime();
        String name = "buckets of " + m.relation().id().qualified();
        if (bucketed.isEmpty()) {
            if (m.fallback().isPresent()) {
                return aggregate(graph, plan, m.fallback().get(), row, now);
            }
            failAll(m, row, now, name, "the online store keeps no aggregation buckets");
            return CompletableFuture.completedFuture(null);
        }
        BucketedAggregations b = bucketed.get();
        Map<AggregationNode, List<Integer>> byAggregation = new LinkedHashMap<>();
        for (int w = 0; w < m.windows().size(); w++) {
            byAggregation
                    .computeIfAbsent(m.windows().get(w).aggregation(), x -> new ArrayList<>())
                    .add(w);
        }
        List<AggregationNode> aggregations = new ArrayList<>(byAggregation.keySet());
        CompletableFuture<String> uncovered = CompletableFuture.completedFuture(null);
        if (m.fallback().isPresent()) {
            for (AggregationNode a : aggregations) {
                Instant needed = BucketedAggregations.windowStart(
                        now, BucketedAggregations.longest(a), a.bucket().orElseThrow());
                uncovered = uncovered.thenCombine(b.coverage(namespace, a), (why, from) -> {
                    if (why != null) {
                        return why;
                    }
                    if (from.isEmpty()) {
                        return a.id() + " has never been backfilled";
                    }
                    return from.get().isAfter(needed)
                            ? a.id() + " is backfilled from " + from.get() + ", after the window's start " + needed
                            : null;
                });
            }
        }
        return uncovered
                .thenCompose(why -> {
                    if (why != null) {
                        if (trace.enabled()) {
                            trace.span(
                                    SpanKind.STORE_READ,
                                    name,
                                    rowIndex,
                                    start,
                                    System.nanoTime(),
                                    SpanOutcome.SKIPPED,
                                    why + ": computed by pushdown");
                        }
                        return aggregate(graph, plan, m.fallback().get(), row, now);
                    }
                    List<List<Duration>> windows = new ArrayList<>();
                    for (List<Integer> ws : byAggregation.values()) {
                        windows.add(ws.stream()
                                .map(w -> m.windows().get(w).window())
                                .toList());
                    }
                    return b.read(namespace, parent, aggregations, windows, now).thenAccept(answers -> {
                        if (trace.enabled()) {
                            trace.span(
                                    SpanKind.STORE_READ,
                                    name,
                                    rowIndex,
                                    start,
                                    System.nanoTime(),
                                    SpanOutcome.OK,
                                    null);
                        }
                        for (int i = 0; i < aggregations.size(); i++) {
                            BucketedAggregations.Answer answer = answers.get(i);
                            List<Integer> ws = byAggregation.get(aggregations.get(i));
                            for (int k = 0; k < ws.size(); k++) {
                                int s = m.outputSlots()[ws.get(k)];
                                row.observedAt()[s] = now;
                                if (answer.failures()[k] != null) {
                                    row.errors()[s] = new FeatureError(
                                            ErrorCode.RESOLVER_FAILED,
                                            aggregations.get(i).id().toString(),
                                            answer.failures()[k]);
                                } else {
                                    row.values()[s] = answer.values()[k];
                                }
                            }
                        }
                    });
                })
                .exceptionally(failure -> {
                    failAll(m, row, now, name, "reading the buckets failed: " + safeMessage(unwrap(failure)));
                    return null;
                });
    }

    private static void failAll(PlanStep.MaterializedAggregate m, RowResult row, Instant now, String name, String why) {
        for (int s : m.outputSlots()) {
            row.observedAt()[s] = now;
            row.errors()[s] = new FeatureError(ErrorCode.RESOLVER_FAILED, name, why);
        }
    }

    // ---- has_many listings -----------------------------------------------------------------------

    /**
     * Lists the related rows of this row in one statement: time at or before {@code now}, newest first, one more
     * than the limit so that a cut can be told (docs/specs/aggregations.md, "Listing a has_many relation"). A null
     * referenced feature gives null: there is no parent to list rows of.
     */
    private CompletableFuture<Void> list(FeatureGraph graph, PlanStep.ListRows l, RowResult row, Instant now) {
        int out = l.outputSlot();
        row.observedAt()[out] = now;
        Object[] params = parameters(row, l.inputSlots());
        if (params == null) {
            row.values()[out] = null;
            return CompletableFuture.completedFuture(null);
        }
        int limit = l.relation().limit();
        return relatedRows(
                        graph,
                        l.rows(),
                        l.time(),
                        column -> new RowsQuery(column, Optional.empty(), now, limit + 1),
                        params)
                .thenAccept(answer -> {
                    if (answer.error() != null) {
                        row.errors()[out] = answer.error();
                    } else {
                        row.values()[out] = RelatedRows.listing(answer.rows(), l.fields(), limit, now);
                    }
                });
    }

    // ---- related rows (aggregations and listings) ------------------------------------------------

    /** The related rows a {@code many: true} resolver returned, or the per-feature error its run is. */
    private record RowsAnswer(List<RelatedRow> rows, FeatureError error) {}

    /** The values of {@code slots} in this row, or null when one of them is null. */
    private static Object[] parameters(RowResult row, int[] slots) {
        Object[] params = new Object[slots.length];
        for (int i = 0; i < params.length; i++) {
            params[i] = row.values()[slots[i]];
            if (params[i] == null) {
                return null;
            }
        }
        return params;
    }

    /**
     * Runs {@code rows} (a {@code many: true} resolver) with the query {@code query} makes for its time column, under
     * the resolver's timeout (plus the backstop grace), and converts what it returns into related rows.
     */
    private CompletableFuture<RowsAnswer> relatedRows(
            FeatureGraph graph, ResolverNode rows, FeatureId time, Function<String, RowsQuery> query, Object[] params) {
        String timeColumn = timeColumn(rows, time);
        return runMany(rows, time, timeColumn, () -> runner.runRows(graph, rows, query.apply(timeColumn), params))
                .thenApply(answer -> {
                    if (answer.error() != null) {
                        return new RowsAnswer(null, answer.error());
                    }
                    try {
                        return new RowsAnswer(RelatedRows.of(graph, rows, time, answer.value()), null);
                    } catch (ValueConversionException e) {
                        return new RowsAnswer(
                                null,
                                new FeatureError(
                                        ErrorCode.RESOLVER_FAILED,
                                        rows.name(),
                                        "resolver " + rows.name() + ": " + e.getMessage()));
                    }
                });
    }

    /** The column of {@code rows} that holds the event time {@code time}, or null when it selects none. */
    private static String timeColumn(ResolverNode rows, FeatureId time) {
        for (ResolverNode.Output o : rows.outputs()) {
            if (o.feature().equals(time)) {
                return o.column();
            }
        }
        return null;
    }

    /** What one run of a {@code many: true} resolver answered, or the per-feature error its run is. */
    private record ManyAnswer<T>(T value, FeatureError error) {}

    /**
     * Runs {@code call} (one statement of the {@code many: true} resolver {@code rows}) under the resolver's timeout
     * plus the backstop grace, recording the run; a failure or timeout is the per-feature error of the answer.
     */
    private <T> CompletableFuture<ManyAnswer<T>> runMany(
            ResolverNode rows, FeatureId time, String timeColumn, Supplier<CompletionStage<T>> call) {
        String name = rows.name();
        if (timeColumn == null) {
            return CompletableFuture.completedFuture(new ManyAnswer<>(
                    null,
                    new FeatureError(
                            ErrorCode.RESOLVER_FAILED,
                            name,
                            "resolver " + name + " does not select the event time " + time)));
        }
        long start = System.nanoTime();
        CompletableFuture<T> run;
        try {
            run = call.get().toCompletableFuture();
        } catch (RuntimeException e) {
            run = CompletableFuture.failedFuture(e);
        }
        return run.orTimeout(rows.timeout().plus(RUNNER_TIMEOUT_GRACE).toNanos(), TimeUnit.NANOSECONDS)
                .handle((value, failure) -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    if (failure != null) {
                        Throwable cause = unwrap(failure);
                        if (cause instanceof TimeoutException) {
                            observer.resolverRun(name, took, QueryObserver.Outcome.TIMED_OUT);
                            return new ManyAnswer<T>(
                                    null,
                                    new FeatureError(
                                            ErrorCode.RESOLVER_TIMED_OUT,
                                            name,
                                            "resolver " + name + " did not answer within "
                                                    + rows.timeout().toMillis() + " ms"));
                        }
                        observer.resolverRun(name, took, QueryObserver.Outcome.FAILED);
                        return new ManyAnswer<T>(
                                null,
                                new FeatureError(
                                        ErrorCode.RESOLVER_FAILED,
                                        name,
                                        "resolver " + name + " failed: " + safeMessage(cause)));
                    }
                    observer.resolverRun(name, took, QueryObserver.Outcome.OK);
                    return new ManyAnswer<>(value, null);
                });
    }

    private static FeatureError upstreamError(Plan plan, PlanStep step, RowResult row) {
        for (int in : step.inputSlots()) {
            FeatureError e = row.errors()[in];
            if (e != null) {
                FeatureId failed = plan.features().get(in).node().id();
                String cause = e.code() == ErrorCode.UPSTREAM_FAILED ? e.message() : failed + " failed: " + e.message();
                return new FeatureError(
                        ErrorCode.UPSTREAM_FAILED, e.resolver(), cause.startsWith("input ") ? cause : "input " + cause);
            }
        }
        return null;
    }

    /** Evaluates the expression; false when it failed (the error is in the row). */
    private static boolean compute(Plan plan, PlanStep.Compute c, RowResult row, Instant now) {
        int out = c.outputSlot();
        PlannedFeature f = plan.features().get(out);
        row.observedAt()[out] = now;
        Object[] values = row.values();
        try {
            Object v = c.expression()
                    .evaluate(
                            id -> {
                                for (int in : c.inputSlots()) {
                                    if (plan.features().get(in).node().id().equals(id)) {
                                        return values[in];
                                    }
                                }
                                throw new IllegalStateException("expression reads undeclared dependency " + id);
                            },
                            now);
            values[out] = Values.coerce(f.node().type(), v);
            return true;
        } catch (ExpressionEvaluationException | ValueConversionException e) {
            row.errors()[out] = new FeatureError(
                    ErrorCode.RESOLVER_FAILED, f.node().id().toString(), "expression failed: " + e.getMessage());
            return false;
        }
    }

    private CompletableFuture<Void> resolve(
            FeatureGraph graph,
            Plan plan,
            PlanStep.Resolve r,
            RowResult row,
            int rowIndex,
            Instant now,
            QueryTrace trace,
            ResolverBatcher calls) {
        Object[] params = new Object[r.inputSlots().length];
        for (int i = 0; i < params.length; i++) {
            params[i] = row.values()[r.inputSlots()[i]];
        }
        long start = System.nanoTime();
        String name = r.resolver().name();
        CompletableFuture<Map<String, Object>> call;
        if (calls != null) {
            call = calls.run(r.resolver(), params);
        } else {
            try {
                call = runner.run(graph, r.resolver(), params).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
        }
        // The runner enforces the timeout (and cancels what it started); this is the backstop for a
        // runner that does not answer at all, a little later so that the runner's own timeout wins.
        return call.orTimeout(r.resolver().timeout().plus(RUNNER_TIMEOUT_GRACE).toNanos(), TimeUnit.NANOSECONDS)
                .handle((result, failure) -> {
                    long end = System.nanoTime();
                    Duration took = Duration.ofNanos(end - start);
                    int[] outs = r.outputSlots();
                    if (failure != null) {
                        Throwable cause = unwrap(failure);
                        FeatureError e;
                        if (cause instanceof TimeoutException) {
                            observer.resolverRun(name, took, QueryObserver.Outcome.TIMED_OUT);
                            e = new FeatureError(
                                    ErrorCode.RESOLVER_TIMED_OUT,
                                    name,
                                    "resolver " + name + " did not answer within "
                                            + r.resolver().timeout().toMillis() + " ms");
                            trace.span(
                                    SpanKind.RESOLVER, name, rowIndex, start, end, SpanOutcome.TIMED_OUT, e.message());
                        } else {
                            observer.resolverRun(name, took, QueryObserver.Outcome.FAILED);
                            e = new FeatureError(
                                    ErrorCode.RESOLVER_FAILED,
                                    name,
                                    "resolver " + name + " failed: " + safeMessage(cause));
                            trace.span(SpanKind.RESOLVER, name, rowIndex, start, end, SpanOutcome.FAILED, e.message());
                        }
                        for (int s : outs) {
                            if (row.cacheHit()[s]) {
                                continue; // fresh from the store: the resolver ran for another output
                            }
                            row.errors()[s] = e;
                            row.observedAt()[s] = now;
                        }
                        return null;
                    }
                    observer.resolverRun(name, took, QueryObserver.Outcome.OK);
                    trace.span(SpanKind.RESOLVER, name, rowIndex, start, end, SpanOutcome.OK, null);
                    for (int i = 0; i < outs.length; i++) {
                        int s = outs[i];
                        row.observedAt()[s] = now;
                        row.cacheHit()[s] =
                                false; // the resolver's value replaces a fresh stored one: newer, and written back
                        String column = r.outputColumns().get(i);
                        Object raw = result.get(column);
                        try {
                            row.values()[s] =
                                    Values.coerce(plan.features().get(s).node().type(), raw);
                        } catch (ValueConversionException e) {
                            row.errors()[s] = new FeatureError(
                                    ErrorCode.RESOLVER_FAILED, name, "column " + column + ": " + e.getMessage());
                        }
                    }
                    return null;
                });
    }

    private static String safeMessage(Throwable t) {
        if (t instanceof ResolverFailure) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---- 3. write-back -----------------------------------------------------------------------

    private void writeBack(String namespace, Plan plan, List<RowResult> rows) {
        List<OnlineWrite> writes = null;
        for (PlannedFeature f : plan.features()) {
            if (!f.writeBack()) {
                continue;
            }
            int s = f.slot();
            for (RowResult row : rows) {
                if (row.cacheHit()[s] || row.errors()[s] != null || row.observedAt()[s] == null) {
                    continue; // served from the store, failed, or not needed for this row
                }
                Object key = row.values()[f.keySlot()];
                if (key == null) {
                    continue;
                }
                if (writes == null) {
                    writes = new ArrayList<>();
                }
                writes.add(new OnlineWrite(
                        new EntityRef(namespace, f.node().id().entity(), key),
                        new FeatureSlot(
                                f.node().id().name(),
                                f.node().version(),
                                f.node().type()),
                        row.values()[s],
                        row.observedAt()[s],
                        f.node().maxStaleness()));
            }
        }
        if (writes != null) {
            try {
                store.write(writes).whenComplete((v, failure) -> {
                    if (failure != null) {
                        observer.storeFailure("write", unwrap(failure));
                    }
                });
            } catch (RuntimeException e) {
                observer.storeFailure("write", e);
            }
        }
    }
}
