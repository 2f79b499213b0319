package dev.slate.engine.exec;

import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.ResolverNode;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Runs one resolver for one set of parameter values. Returns the first result row as column → raw
 * value (JDBC/driver types; the executor converts), an empty map when the query returned no row.
 * Fails with {@link ResolverFailure} for errors whose message is safe to show.
 */
public interface ResolverRunner {
    CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters);
}
