package dev.slate.engine.source;

import static java.util.Objects.requireNonNull;

import dev.slate.engine.exec.ResolverFailure;
import dev.slate.engine.exec.ResolverRunner;
import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.ResolverNode;
import dev.slate.model.spec.SourceSpec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs each resolver with the runner for its source's kind: PostgreSQL or Parquet (DuckDB). */
public final class SourceKindResolverRunner implements ResolverRunner {

    private final ResolverRunner postgres;
    private final ResolverRunner parquet;

    public SourceKindResolverRunner(ResolverRunner postgres, ResolverRunner parquet) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.parquet = requireNonNull(parquet, "parquet is null");
    }

    @Override
    public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
        return switch (graph.sources().get(resolver.source())) {
            case SourceSpec.Postgres ignored -> postgres.run(graph, resolver, parameters);
            case SourceSpec.Parquet ignored -> parquet.run(graph, resolver, parameters);
            case null -> CompletableFuture.failedFuture(new ResolverFailure("resolver " + resolver.name() + " reads source "
                    + resolver.source() + ", which the deployment does not declare"));
        };
    }
}
