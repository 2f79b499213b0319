package dev.slate.engine.exec;

import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.ResolverNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
     * Runs a {@code many: true} resolver (the rows of a {@code has_many} relation) with the time window and the
     * bound of {@code query} pushed down into one statement (bind parameters only), and returns every row,
     * newest first. The same timeout rules as {@link #run} apply.
     */
    default CompletionStage<List<Map<String, Object>>> runRows(FeatureGraph graph, ResolverNode resolver, RowsQuery query, Object[] parameters) {
        return CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name()
                + " lists related rows, which this version of Slate runs on PostgreSQL sources only"));
    }
}
