package dev.slate.serving.engine.query;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlanStep;
import dev.slate.serving.engine.plan.PlannedFeature;
import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.engine.trace.QueryTrace;
import dev.slate.serving.engine.trace.StoredTrace;
import dev.slate.serving.engine.trace.TraceExport;
import dev.slate.serving.engine.trace.TraceParent;
import dev.slate.serving.engine.trace.TraceStore;
import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationListings;
import dev.slate.storage.spi.ValueConversionException;
import dev.slate.storage.spi.Values;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers online queries: binds the request against the environment's active snapshot, takes the
 * plan for its shape, executes it and assembles the answer. Request mistakes fail the whole
 * request with a {@link SlateException}; everything that goes wrong per feature is reported per
 * feature.
 */
public final class OnlineQueryService {

    private static final HexFormat HEX = HexFormat.of();

    private final ServingState state;
    private final ComputedValuesListener computedValues;
    private final PlanExecutor executor;
    private final QueryLimits limits;
    private final Clock clock;
    private final TraceStore traces;
    private final int maxSpansPerTrace;
    private final TraceExport export;

    public OnlineQueryService(ServingState state, PlanExecutor executor, QueryLimits limits, Clock clock) {
        this(state, executor, limits, clock, ComputedValuesListener.NONE);
    }

    /** @param computedValues told about every query's computed values (the feature log) */
    public OnlineQueryService(
            ServingState state,
            PlanExecutor executor,
            QueryLimits limits,
            Clock clock,
            ComputedValuesListener computedValues) {
        this(state, executor, limits, clock, computedValues, null, 0);
    }

    /**
     * @param traces where every query's trace goes ({@code GET /v1/queries/{query_id}}), or null for none
     * @param maxSpansPerTrace most spans one trace keeps (a bulk query has one per row and step)
     */
    public OnlineQueryService(
            ServingState state,
            PlanExecutor executor,
            QueryLimits limits,
            Clock clock,
            ComputedValuesListener computedValues,
            TraceStore traces,
            int maxSpansPerTrace) {
        this(state, executor, limits, clock, computedValues, traces, maxSpansPerTrace, TraceExport.NONE);
    }

    /**
     * @param export where finished traces are also sent (OpenTelemetry), built from the same spans as the stored ones
     */
    public OnlineQueryService(
            ServingState state,
            PlanExecutor executor,
            QueryLimits limits,
            Clock clock,
            ComputedValuesListener computedValues,
            TraceStore traces,
            int maxSpansPerTrace,
            TraceExport export) {
        this.traces = traces;
        this.maxSpansPerTrace = maxSpansPerTrace;
        this.export = requireNonNull(export, "export is null");
        this.computedValues = requireNonNull(computedValues, "computedValues is null");
        this.state = requireNonNull(state, "state is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public CompletionStage<QueryAnswer> query(String environment, OnlineQueryRequest request) {
        return run(environment, Optional.empty(), request, false, TraceParent.NONE);
    }

    public CompletionStage<QueryAnswer> queryBulk(String environment, OnlineQueryRequest request) {
        return run(environment, Optional.empty(), request, true, TraceParent.NONE);
    }

    /**
     * A query of the environment's main deployment, or (with {@code branch}) of that branch's deployment only
     * (docs/environments.md, "Branches"): a branch query reads the environment's online store but never writes
     * computed values back to it, and is not recorded in the feature log.
     *
     * @throws SlateException UNKNOWN_BRANCH when the environment has no such branch
     */
    public CompletionStage<QueryAnswer> query(
            String environment, Optional<String> branch, OnlineQueryRequest request, boolean bulk) {
        return run(environment, branch, request, bulk, TraceParent.NONE);
    }

    /**
     * As {@link #query(String, Optional, OnlineQueryRequest, boolean)}, continuing the client's trace ({@code
     * traceparent}) when traces are exported.
     */
    public CompletionStage<QueryAnswer> query(
            String environment, Optional<String> branch, OnlineQueryRequest request, boolean bulk, TraceParent parent) {
        return run(environment, branch, request, bulk, requireNonNull(parent, "parent is null"));
    }

    private CompletionStage<QueryAnswer> run(
            String environment, Optional<String> branch, OnlineQueryRequest request, boolean bulk, TraceParent parent) {
        long start = System.nanoTime();
        ServingSnapshot snapshot = branch.isPresent()
                ? state.branch(environment, branch.get())
                        .map(ServingState.Branch::snapshot)
                        .orElseThrow(() -> new SlateException(
                                ErrorCode.UNKNOWN_BRANCH,
                                "environment '" + environment + "' has no branch '" + branch.get()
                                        + "'; deploy one with slate apply --branch " + branch.get()
                                        + " (POST /v1/deployments?branch=" + branch.get() + ")"))
                : state.snapshot(environment)
                        .orElseThrow(() -> new SlateException(
                                ErrorCode.NO_ACTIVE_DEPLOYMENT,
                                "environment '" + environment
                                        + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
        boolean main = branch.isEmpty();
        FeatureGraph graph = snapshot.deployment().graph();
        ServingSnapshot.NamedPlan named = namedQuery(snapshot, request);
        BoundRequest bound = bind(snapshot, named == null ? request : asNamed(request, named), bulk);
        Plan plan;
        try {
            plan = named != null
                    ? checkNamedInputs(named, bound)
                    : snapshot.plan(QueryShape.of(bound.inputs.keySet(), bound.outputs, bound.staleness));
        } catch (PlanningException e) {
            throw new SlateException(ErrorCode.INVALID_QUERY, e.getMessage(), e);
        }
        String queryName = named == null ? null : named.query().name();
        List<Object[]> rows = bound.rows(plan);
        String queryId = queryId();
        boolean exported = export.active();
        boolean recorded = traces != null || exported;
        Instant startedAt = recorded ? clock.instant() : null;
        QueryTrace trace = !recorded
                ? QueryTrace.OFF
                : new QueryTrace((int) Math.min(
                        maxSpansPerTrace, 1L + (long) rows.size() * plan.steps().size()));
        return executor.execute(graph, environment, plan, rows, bound.now, trace, main)
                .thenApply(results -> {
                    int[] outs = plan.outputSlots();
                    int failed = 0;
                    for (RowResult r : results) {
                        FeatureError[] errors = r.errors();
                        for (int s : outs) {
                            if (errors[s] != null) {
                                failed++;
                            }
                        }
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    executor.observer()
                            .queryCompleted(new QueryObserver.Completion(
                                    environment, queryName, bulk, plan, results, failed, bound.now, took));
                    if (recorded) {
                        StoredTrace stored = new StoredTrace(
                                queryId,
                                environment,
                                queryName,
                                snapshot.deployment().deploymentId(),
                                snapshot.deployment().version(),
                                plan.hash(),
                                bulk,
                                startedAt,
                                took,
                                results.size(),
                                outs.length,
                                failed,
                                trace);
                        if (traces != null) {
                            traces.add(stored);
                        }
                        if (exported) {
                            export.export(stored, graph, parent);
                        }
                    }
                    String explain = request.explain() ? plan.explain() + executed(plan, results) : null;
                    if (main && computedValues != ComputedValuesListener.NONE) {
                        try {
                            computedValues.computed(new ComputedValues(
                                    environment, snapshot.deployment().deploymentId(), queryId, plan, results));
                        } catch (RuntimeException e) {
                            // the feature log must never fail a query; the listener counts its own drops
                        }
                    }
                    return new QueryAnswer(
                            queryId,
                            environment,
                            snapshot.deployment(),
                            plan.hash(),
                            plan.outputs(),
                            results,
                            failed,
                            took,
                            explain);
                });
    }

    private static String executed(Plan plan, List<RowResult> results) {
        int reads = 0;
        int hits = 0;
        Set<String> ran = new LinkedHashSet<>();
        for (RowResult r : results) {
            for (PlannedFeature f : plan.features()) {
                if (f.readFromStore()) {
                    reads++;
                    if (r.cacheHit()[f.slot()]) {
                        hits++;
                    }
                }
            }
            for (int i = 0; i < plan.steps().size(); i++) {
                PlanStep step = plan.steps().get(i);
                int out = step.outputSlots().length > 0 ? step.outputSlots()[0] : -1;
                if (out >= 0 && r.observedAt()[out] != null && !r.cacheHit()[out]) {
                    ran.add(
                            switch (step) {
                                case PlanStep.Resolve res ->
                                    "resolve " + res.resolver().name();
                                case PlanStep.Compute c ->
                                    "compute "
                                            + plan.features()
                                                    .get(c.outputSlot())
                                                    .node()
                                                    .id();
                                case PlanStep.Follow f ->
                                    "follow " + f.relation().id();
                                case PlanStep.Aggregate a ->
                                    "aggregate over " + a.relation().id();
                                case PlanStep.MaterializedAggregate m ->
                                    "aggregate buckets over " + m.relation().id();
                                case PlanStep.ListRows l ->
                                    "list " + l.relation().id();
                            });
                }
            }
        }
        return "this request: " + hits + " of " + reads + " store reads fresh; ran "
                + (ran.isEmpty() ? "no steps" : String.join(", ", ran)) + "\n";
    }

    private static String queryId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "q_" + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextInt());
    }

    // ---- named queries ------------------------------------------------------------------------

    /**
     * The named query the request calls, or null when it calls none; a request error when it cannot be called.
     * A request with {@code outputs} is an ad-hoc query: its {@code query_name}, if any, is only echoed in the
     * answer (and never becomes a metrics label).
     */
    private static ServingSnapshot.NamedPlan namedQuery(ServingSnapshot snapshot, OnlineQueryRequest request) {
        if (request.queryName() == null || !request.outputs().isEmpty()) {
            if (request.queryNameVersion() != null) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        request.queryName() == null
                                ? "'query_name_version' needs 'query_name'"
                                : "'query_name_version' calls a named query, which declares its outputs: give no 'outputs'");
            }
            return null;
        }
        if (!request.staleness().isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "'staleness' cannot be given with 'query_name': the named query declares its staleness");
        }
        Integer version = null;
        if (request.queryNameVersion() != null) {
            try {
                version = Integer.valueOf(request.queryNameVersion().strip());
            } catch (NumberFormatException e) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "'query_name_version' must be a whole number, not '" + shorten(request.queryNameVersion())
                                + "'",
                        e);
            }
        }
        String name = request.queryName();
        Integer v = version;
        ServingSnapshot.NamedPlan named = snapshot.namedQuery(name, version).orElseThrow(() -> {
            if (snapshot.namedQuery(name, null).isPresent()) {
                return new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "named query '" + name + "' has no version " + v + "; its latest is "
                                + snapshot.namedQuery(name, null).get().query().version());
            }
            return new SlateException(
                    ErrorCode.INVALID_QUERY,
                    Suggestions.unknown("named query", name, snapshot.namedQueryNames())
                            + (snapshot.namedQueryNames().isEmpty()
                                    ? "; the deployment declares none"
                                    : "; declared: " + String.join(", ", snapshot.namedQueryNames())));
        });
        if (named.plan() == null) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "named query " + named.query().label() + " cannot be planned: " + named.failure());
        }
        return named;
    }

    /** The request with the named query's outputs (its staleness is in the named plan). */
    private static OnlineQueryRequest asNamed(OnlineQueryRequest request, ServingSnapshot.NamedPlan named) {
        return new OnlineQueryRequest(
                request.inputs(),
                named.query().outputs().stream().map(FeatureId::qualified).toList(),
                Map.of(),
                request.now(),
                request.includeMeta(),
                request.explain(),
                request.queryName(),
                request.queryNameVersion());
    }

    /** The named plan, when the request gives exactly the named query's inputs. */
    private static Plan checkNamedInputs(ServingSnapshot.NamedPlan named, BoundRequest bound) {
        if (!bound.inputs.keySet().equals(new TreeSet<>(named.query().inputs()))) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "named query " + named.query().label() + " takes the inputs "
                            + named.query().inputs().stream()
                                    .map(FeatureId::qualified)
                                    .toList() + "; the request gives "
                            + bound.inputs.keySet().stream()
                                    .map(FeatureId::qualified)
                                    .toList());
        }
        return named.plan();
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    // ---- binding ------------------------------------------------------------------------------

    private BoundRequest bind(ServingSnapshot snapshot, OnlineQueryRequest request, boolean bulk) {
        if (request.outputs().isEmpty()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "'outputs' must name at least one feature");
        }
        if (request.outputs().size() > limits.maxOutputs()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "too many outputs: " + request.outputs().size() + " (at most " + limits.maxOutputs() + ")");
        }
        if (request.inputs().isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "'inputs' must give at least one feature, e.g. the entity key");
        }
        if (request.inputs().size() > limits.maxInputs()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "too many inputs: " + request.inputs().size() + " (at most " + limits.maxInputs() + ")");
        }
        List<ErrorDetail.Field> problems = new ArrayList<>();
        Map<FeatureId, List<Object>> inputs = new TreeMap<>();
        int rowCount = bulk ? -1 : 1;
        for (Map.Entry<String, Object> e : request.inputs().entrySet()) {
            FeatureNode node = resolveName(snapshot, e.getKey(), "inputs", problems);
            if (node == null) {
                continue;
            }
            if (node.producer() instanceof Producer.Listed) {
                problems.add(problem("inputs", e.getKey(), e.getKey() + " lists related rows; it is an output only"));
                continue;
            }
            List<Object> column;
            if (bulk) {
                if (!(e.getValue() instanceof List<?> list)) {
                    problems.add(problem(
                            "inputs",
                            e.getKey(),
                            "a bulk query needs a list of values per input, got " + Values.describe(e.getValue())));
                    continue;
                }
                if (rowCount >= 0 && list.size() != rowCount) {
                    problems.add(problem(
                            "inputs",
                            e.getKey(),
                            "has " + list.size() + " values but other inputs have " + rowCount
                                    + "; every input needs one value per row"));
                    continue;
                }
                rowCount = list.size();
                if (rowCount > limits.maxBulkRows()) {
                    throw new SlateException(
                            ErrorCode.INVALID_QUERY,
                            "too many rows: " + rowCount + " (at most " + limits.maxBulkRows() + ")");
                }
                column = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    column.add(coerceInput(node, list.get(i), "inputs", e.getKey() + "[" + i + "]", problems));
                }
            } else {
                column = new ArrayList<>(1);
                column.add(coerceInput(node, e.getValue(), "inputs", e.getKey(), problems));
            }
            inputs.put(node.id(), column);
        }
        List<FeatureId> outputs = new ArrayList<>(request.outputs().size());
        Set<FeatureId> seen = new TreeSet<>();
        for (String name : request.outputs()) {
            if (name == null) {
                problems.add(problem("outputs", "null", "output names must be strings"));
                continue;
            }
            FeatureNode node = resolveName(snapshot, name, "outputs", problems);
            if (node != null && seen.add(node.id())) {
                outputs.add(node.id());
            }
        }
        Map<FeatureId, Duration> staleness = new HashMap<>();
        for (Map.Entry<String, String> e : request.staleness().entrySet()) {
            FeatureNode node = resolveName(snapshot, e.getKey(), "staleness", problems);
            if (node == null) {
                continue;
            }
            try {
                staleness.put(node.id(), Durations.parse(e.getValue()));
            } catch (IllegalArgumentException ex) {
                problems.add(problem("staleness", e.getKey(), ex.getMessage()));
            }
        }
        Instant now = clock.instant();
        if (request.now() != null) {
            try {
                now = Values.toInstant(request.now());
            } catch (ValueConversionException ex) {
                problems.add(problem("now", request.now(), ex.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            boolean unknownOutput = problems.stream()
                    .allMatch(p -> "outputs".equals(p.field()) && p.message().startsWith("unknown feature"));
            String summary = problems.size() == 1
                    ? problems.get(0).message()
                    : problems.size() + " problems in the query; see errors";
            throw new SlateException(
                    unknownOutput ? ErrorCode.RESOLVER_NOT_FOUND : ErrorCode.INVALID_QUERY, summary, problems);
        }
        return new BoundRequest(inputs, outputs, staleness, now, Math.max(rowCount, 0));
    }

    private static Object coerceInput(
            FeatureNode node, Object raw, String field, String name, List<ErrorDetail.Field> problems) {
        if (raw == null) {
            if (node.producer() instanceof Producer.EntityKey) {
                problems.add(problem(field, name, "key " + node.id() + " must not be null"));
            }
            return null;
        }
        try {
            return Values.coerce(node.type(), raw);
        } catch (ValueConversionException e) {
            problems.add(problem(field, name, node.id() + ": " + e.getMessage()));
            return null;
        }
    }

    private static FeatureNode resolveName(
            ServingSnapshot snapshot, String name, String field, List<ErrorDetail.Field> problems) {
        FeatureNode node = snapshot.feature(name);
        if (node != null) {
            return node;
        }
        FeatureGraph graph = snapshot.deployment().graph();
        Optional<String> window = name.length() > 300 ? Optional.empty() : FeatureNames.windowProblem(graph, name);
        if (window.isPresent()) {
            problems.add(problem(field, name, window.get()));
            return null;
        }
        Optional<String> listing = name.length() > 300
                ? Optional.empty()
                : FeatureId.parse(name.indexOf('{') > 0 ? name.substring(0, name.indexOf('{')) : name)
                        .flatMap(base -> RelationListings.problem(
                                graph,
                                new FeatureId(
                                        base.entity(),
                                        base.name()
                                                + name.substring(
                                                        base.qualified().length()))));
        if (listing.isPresent()) {
            problems.add(problem(field, name, listing.get()));
            return null;
        }
        List<String> all = new ArrayList<>(graph.features().size());
        for (FeatureId id : graph.features().keySet()) {
            all.add(id.qualified());
        }
        problems.add(problem(field, Suggestions.shown(name), Suggestions.unknown("feature", name, all)));
        return null;
    }

    private static ErrorDetail.Field problem(String field, String name, String message) {
        return new ErrorDetail.Field(field, name, message);
    }

    private record BoundRequest(
            Map<FeatureId, List<Object>> inputs,
            List<FeatureId> outputs,
            Map<FeatureId, Duration> staleness,
            Instant now,
            int rowCount) {
        /** Rows of input values in the plan's input slot order (the shape's sorted input order). */
        List<Object[]> rows(Plan plan) {
            List<List<Object>> columns = new ArrayList<>(plan.shape().inputs().size());
            for (FeatureId id : plan.shape().inputs()) {
                columns.add(inputs.get(id));
            }
            List<Object[]> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                Object[] row = new Object[columns.size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = columns.get(c).get(r);
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
