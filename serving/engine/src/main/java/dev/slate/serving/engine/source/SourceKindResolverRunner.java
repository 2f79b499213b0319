package dev.slate.serving.engine.source;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.engine.exec.AggregateQuery;
import dev.slate.serving.engine.exec.BatchedAnswer;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.exec.RowsQuery;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs each resolver with the runner for its kind: HTTP resolvers with the HTTP runner, SQL resolvers with
 * the runner for their source's kind, PostgreSQL or Parquet (DuckDB).
 */
public final class SourceKindResolverRunner implements ResolverRunner {

    private final ResolverRunner postgres;
    private final ResolverRunner parquet;
    private final ResolverRunner http;

    /** Without an HTTP runner: HTTP resolvers fail with a reason. */
    public SourceKindResolverRunner(ResolverRunner postgres, ResolverRunner parquet) {
        this(
                postgres,
                parquet,
                (graph, resolver, parameters) -> CompletableFuture.failedFuture(new ResolverFailure("resolver "
                        + resolver.name() + " is an HTTP resolver, and this server has no HTTP resolver runner")));
    }

    public SourceKindResolverRunner(ResolverRunner postgres, ResolverRunner parquet, ResolverRunner http) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.parquet = requireNonNull(parquet, "parquet is null");
        this.http = requireNonNull(http, "http is null");
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        if (resolver.http().isPresent()) {
            return http.run(graph, resolver, parameters);
        }
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.run(graph, resolver, parameters);
            case SourceSpec.Parquet ignored -> parquet.run(graph, resolver, parameters);
            case null ->
                CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name() + " reads source "
                        + resolver.source() + ", which the deployment does not declare"));
        };
    }

    @Override
    public CompletionStage<List<BatchedAnswer>> runBatch(
            FeatureGraph graph, ResolverNode resolver, List<Object[]> parameterRows) {
        if (resolver.http().isPresent()) {
            return http.runBatch(graph, resolver, parameterRows);
        }
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.runBatch(graph, resolver, parameterRows);
            case SourceSpec.Parquet ignored -> parquet.runBatch(graph, resolver, parameterRows);
            case null -> ResolverRunner.super.runBatch(graph, resolver, parameterRows);
        };
    }

    @Override
    public CompletionStage<List<Map<String, Object>>> runRows(
            FeatureGraph graph, ResolverNode resolver, RowsQuery query, Object[] parameters) {
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.runRows(graph, resolver, query, parameters);
            case SourceSpec.Parquet ignored -> parquet.runRows(graph, resolver, query, parameters);
            case null ->
                CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name() + " reads source "
                        + resolver.source() + ", which the deployment does not declare"));
        };
    }

    @Override
    public boolean aggregatesInSource(FeatureGraph graph, ResolverNode resolver) {
        if (resolver.http().isPresent()) {
            return false;
        }
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.aggregatesInSource(graph, resolver);
            case SourceSpec.Parquet ignored -> parquet.aggregatesInSource(graph, resolver);
            case null -> false;
        };
    }

    @Override
    public CompletionStage<List<AggregatePartial>> runAggregates(
            FeatureGraph graph, ResolverNode resolver, AggregateQuery query, Object[] parameters) {
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.runAggregates(graph, resolver, query, parameters);
            case SourceSpec.Parquet ignored -> parquet.runAggregates(graph, resolver, query, parameters);
            case null ->
                CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name() + " reads source "
                        + resolver.source() + ", which the deployment does not declare"));
        };
    }
}
