package dev.slate.api.wiring;

import dev.slate.engine.exec.PlanExecutor;
import dev.slate.engine.exec.QueryObserver;
import dev.slate.engine.query.OnlineQueryService;
import dev.slate.engine.query.QueryLimits;
import dev.slate.engine.query.ServingState;
import dev.slate.engine.source.PostgresResolverRunner;
import dev.slate.engine.source.SecretResolver;
import dev.slate.storage.spi.OnlineStore;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
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
    SecretResolver secretResolver(ServingConfig config) {
        return new ConfigSecretResolver(config.secretsDir().map(p -> p.toAbsolutePath().normalize()),
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
    PlanExecutor planExecutor(OnlineStore store, PostgresResolverRunner runner, QueryObserver observer, ServingConfig config) {
        return new PlanExecutor(store, runner, observer, config.storeReadTimeout());
    }

    @Produces
    @Singleton
    OnlineQueryService onlineQueryService(ServingState state, PlanExecutor executor, ServingConfig config) {
        return new OnlineQueryService(state, executor, new QueryLimits(config.maxOutputs(), config.maxInputs(), config.maxBulkRows()), Clock.systemUTC());
    }
}
