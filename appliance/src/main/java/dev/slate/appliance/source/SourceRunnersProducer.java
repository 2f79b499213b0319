package dev.slate.appliance.source;

import dev.slate.appliance.config.SlateHome;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.engine.source.SourceKindResolverRunner;
import dev.slate.serving.source.duckdb.DuckDbResolverRunner;
import dev.slate.serving.source.http.HttpResolverRunner;
import dev.slate.serving.source.postgres.PostgresResolverRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * The source adapters, each a module of its own behind the engine's {@link ResolverRunner}: PostgreSQL
 * (serving/source-postgres), Parquet read by DuckDB (serving/source-duckdb) and HTTP (serving/source-http, produced
 * by {@link HttpResolverProducer}). Online queries and offline
 * recomputation share them through the one {@link ResolverRunner} produced here, which picks the runner by the
 * source's kind (each runner is a bean of its own type only, so {@link ResolverRunner} is unambiguous).
 */
@Singleton
class SourceRunnersProducer {

    @Produces
    @Singleton
    @Typed(PostgresResolverRunner.class)
    PostgresResolverRunner postgresResolverRunner(Vertx vertx, SecretResolver secrets) {
        return new PostgresResolverRunner(vertx, secrets);
    }

    void closeRunner(@Disposes PostgresResolverRunner runner) {
        runner.close();
    }

    @Produces
    @Singleton
    @Typed(DuckDbResolverRunner.class)
    DuckDbResolverRunner duckDbResolverRunner(SourcesConfig config) {
        Path root = config.parquetRoot().orElseGet(() -> SlateHome.fromConfig().resolve("sources"));
        return new DuckDbResolverRunner(new DuckDbResolverRunner.Settings(
                root.toAbsolutePath().normalize(),
                config.parquetWorkers(),
                config.parquetQueueCapacity(),
                config.parquetFileListRefresh(),
                config.parquetMemoryLimit()));
    }

    void closeDuckDbRunner(@Disposes DuckDbResolverRunner runner) {
        runner.close();
    }

    @Produces
    @Singleton
    ResolverRunner resolverRunner(
            PostgresResolverRunner postgres, DuckDbResolverRunner parquet, HttpResolverRunner http) {
        return new SourceKindResolverRunner(postgres, parquet, http);
    }
}
