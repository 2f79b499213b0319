package dev.slate.serving.api.wiring;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.ingest.IngestService;
import dev.slate.serving.engine.query.ComputedValuesListener;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.query.QueryLimits;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.engine.trace.TraceExport;
import dev.slate.serving.engine.trace.TraceStore;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.offline.OfflineStore;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the data plane's plain-Java objects once per application. */
@Singleton
class ServingBeans {

    @Produces
    @Singleton
    ServingState servingState() {
        return new ServingState();
    }

    @Produces
    @Singleton
    SecretResolver secretResolver(ServingConfig config, Instance<StoredSecrets> stored, ServingState state) {
        return new ConfigSecretResolver(
                config.secretsDir().map(p -> p.toAbsolutePath().normalize()),
                stored.isResolvable() ? stored.get()::lookup : (environment, name) -> Optional.empty(),
                state::environmentOf,
                key -> ConfigProvider.getConfig().getOptionalValue(key, String.class),
                System::getenv);
    }

    @Produces
    @Singleton
    PlanExecutor planExecutor(
            OnlineStore store, ResolverRunner resolvers, QueryObserver observer, ServingConfig config) {
        return new PlanExecutor(store, resolvers, observer, config.storeReadTimeout());
    }

    @Produces
    @Singleton
    OnlineQueryService onlineQueryService(
            ServingState state,
            PlanExecutor executor,
            ServingConfig config,
            Instance<ComputedValuesListener> computedValues,
            TraceStore traces,
            TracesConfig tracing,
            Instance<TraceExport> export) {
        return new OnlineQueryService(
                state,
                executor,
                new QueryLimits(config.maxOutputs(), config.maxInputs(), config.maxBulkRows()),
                Clock.systemUTC(),
                computedValues.isResolvable() ? computedValues.get() : ComputedValuesListener.NONE,
                tracing.enabled() ? traces : null,
                tracing.maxSpans(),
                export.isResolvable() ? export.get() : TraceExport.NONE);
    }

    @Produces
    @Singleton
    TraceStore traceStore(TracesConfig config) {
        return new TraceStore(
                new TraceStore.Settings(
                        config.keepAll(),
                        config.maxRecent(),
                        config.maxRetained(),
                        config.sampleRate(),
                        config.slowThreshold()),
                Clock.systemUTC());
    }

    @Produces
    @Singleton
    IngestService ingestService(
            ServingState state,
            OnlineStore store,
            Instance<OfflineStore> offline,
            ExecutorService blocking,
            ServingConfig config) {
        return new IngestService(
                state,
                store,
                offline.isResolvable() ? Optional.of(offline.get()) : Optional.empty(),
                blocking,
                Clock.systemUTC(),
                config.maxIngestRows());
    }
}
