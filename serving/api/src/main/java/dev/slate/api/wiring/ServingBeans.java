package dev.slate.api.wiring;

import dev.slate.engine.exec.PlanExecutor;
import dev.slate.engine.exec.QueryObserver;
import dev.slate.engine.exec.ResolverRunner;
import dev.slate.engine.ingest.IngestService;
import dev.slate.engine.query.ComputedValuesListener;
import dev.slate.engine.query.OnlineQueryService;
import dev.slate.engine.query.QueryLimits;
import dev.slate.engine.query.ServingState;
import dev.slate.engine.source.DuckDbResolverRunner;
import dev.slate.engine.source.PostgresResolverRunner;
import dev.slate.engine.source.SecretResolver;
import dev.slate.engine.source.SourceKindResolverRunner;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.offline.OfflineStore;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the data plane's plain-Java objects once per application. */
@Singleton
class ServingBeans {

    /** The name of the bean that runs {@code kind: http} resolvers (produced where that runner's module is linked). */
    static final String HTTP_RUNNER = "slate-http-resolver-runner";

    @Produces
    @Singleton
    ServingState servingState() {
        return new ServingState();
    }

    @Produces
    @Singleton
    SecretResolver secretResolver(ServingConfig config, Instance<StoredSecrets> stored) {
        return new ConfigSecretResolver(config.secretsDir().map(p -> p.toAbsolutePath().normalize()),
                stored.isResolvable() ? stored.get()::lookup : name -> Optional.empty(),
                key -> ConfigProvider.getConfig().getOptionalValue(key, String.class), System::getenv);
    }

    @Produces
    @Singleton
    PostgresResolverRunner postgresResolverRunner(Vertx vertx, SecretResolver secrets) {
        return new PostgresResolverRunner(vertx, secrets);
    }

    void closeRunner(@Disposes PostgresResolverRunner runner) {
        runner.close();
    }

    @Produces
    @Singleton
    DuckDbResolverRunner duckDbResolverRunner(SourcesConfig config) {
        Path root = config.parquetRoot().orElseGet(() -> ConfigProvider.getConfig().getOptionalValue("slate.home", String.class)
                .map(Path::of).orElse(Path.of(System.getProperty("user.home"), ".slate")).resolve("sources"));
        return new DuckDbResolverRunner(new DuckDbResolverRunner.Settings(root.toAbsolutePath().normalize(), config.parquetWorkers(),
                config.parquetQueueCapacity(), config.parquetFileListRefresh(), config.parquetMemoryLimit()));
    }

    void closeDuckDbRunner(@Disposes DuckDbResolverRunner runner) {
        runner.close();
    }

    @Produces
    @Singleton
    PlanExecutor planExecutor(OnlineStore store, PostgresResolverRunner postgres, DuckDbResolverRunner parquet,
            @Named(HTTP_RUNNER) Instance<ResolverRunner> http, QueryObserver observer, ServingConfig config) {
        SourceKindResolverRunner runners = http.isResolvable() ? new SourceKindResolverRunner(postgres, parquet, http.get())
                : new SourceKindResolverRunner(postgres, parquet);
        return new PlanExecutor(store, runners, observer, config.storeReadTimeout());
    }

    @Produces
    @Singleton
    OnlineQueryService onlineQueryService(ServingState state, PlanExecutor executor, ServingConfig config,
            Instance<ComputedValuesListener> computedValues) {
        return new OnlineQueryService(state, executor, new QueryLimits(config.maxOutputs(), config.maxInputs(), config.maxBulkRows()),
                Clock.systemUTC(), computedValues.isResolvable() ? computedValues.get() : ComputedValuesListener.NONE);
    }

    @Produces
    @Singleton
    IngestService ingestService(ServingState state, OnlineStore store, Instance<OfflineStore> offline, ExecutorService blocking,
            ServingConfig config) {
        return new IngestService(state, store, offline.isResolvable() ? Optional.of(offline.get()) : Optional.empty(), blocking,
                Clock.systemUTC(), config.maxIngestRows());
    }
}
