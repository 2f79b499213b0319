package dev.slate.serving.engine.exec;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Runs one resolver for one set of parameter values. Returns the first result row as column → raw
 * value (JDBC/driver types; the executor converts), an empty map when the query returned no row.
 * Fails with {@link ResolverFailure} for errors whose message is safe to show.
 *
 * <p>A runner enforces {@link ResolverNode#timeout()} itself: when the resolver has not answered in
 * time the stage fails with a {@link java.util.concurrent.TimeoutException}, and whatever the run
 * holds (a connection, a running statement) is released or cancelled. The executor fails a run that
 * outlives its timeout by more than a short grace period on its own, as a backstop.
 */
public interface ResolverRunner {
    CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters);

    /**
     * Runs one resolver for many sets of parameter values, as one statement where the source allows it
     * (docs/specs/resolver-batching.md). The answer holds one {@link BatchedAnswer} per element of
     * {@code parameterRows}, in order. The whole run fails (every row alike) when the statement fails or times
     * out; a row that alone is wrong fails as {@link BatchedAnswer.Failed}. The resolver's timeout applies to the
     * whole run. This default runs {@link #run} once per row.
     */
    default CompletionStage<List<BatchedAnswer>> runBatch(
            FeatureGraph graph, ResolverNode resolver, List<Object[]> parameterRows) {
        List<CompletableFuture<BatchedAnswer>> calls = new ArrayList<>(parameterRows.size());
        for (Object[] parameters : parameterRows) {
            CompletableFuture<Map<String, Object>> call;
            try {
                call = run(graph, resolver, parameters).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            calls.add(call.handle((columns, failure) -> failure == null
                    ? new BatchedAnswer.Found(columns)
                    : new BatchedAnswer.Failed(
                            failure instanceof CompletionException c && c.getCause() != null
                                    ? c.getCause()
                                    : failure)));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<BatchedAnswer> answers = new ArrayList<>(calls.size());
            for (CompletableFuture<BatchedAnswer> c : calls) {
                answers.add(c.join());
            }
            return answers;
        });
    }

    /**
     * Runs a {@code many: true} resolver (the rows of a {@code has_many} relation) with the time window and the
     * bound of {@code query} pushed down into one statement (bind parameters only), and returns every row,
     * newest first. The same timeout rules as {@link #run} apply.
     */
    default CompletionStage<List<Map<String, Object>>> runRows(
            FeatureGraph graph, ResolverNode resolver, RowsQuery query, Object[] parameters) {
        return CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name()
                + " lists related rows, which this version of Slate runs on PostgreSQL sources only"));
    }

    /**
     * True when {@link #runAggregates} computes aggregates of {@code resolver}'s rows in its source, in one statement.
     */
    default boolean aggregatesInSource(FeatureGraph graph, ResolverNode resolver) {
        return false;
    }

    /**
     * Runs a {@code many: true} resolver with {@code query}'s window pushed down and its aggregates computed by the
     * source, in one statement with bind parameters only (docs/specs/aggregations.md, "Online: pushdown"). Answers
     * one partial per item, in order. The same timeout rules as {@link #run} apply. Only called when
     * {@link #aggregatesInSource} is true.
     */
    default CompletionStage<List<AggregatePartial>> runAggregates(
            FeatureGraph graph, ResolverNode resolver, AggregateQuery query, Object[] parameters) {
        return CompletableFuture.failedFuture(
                new ResolverFailure("resolver " + resolver.name() + " cannot compute aggregates in its source"));
    }
}
