package dev.slate.appliance.source;

import dev.slate.engine.source.SecretResolver;
import dev.slate.source.http.HttpResolverRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The runner of {@code kind: http} resolvers, on the application's Vert.x instance; serving's plan executor
 * takes it by name (see {@code ServingBeans}) and dispatches HTTP resolvers to it.
 */
@Singleton
class HttpResolverProducer {

    /** Must equal {@code dev.slate.api.wiring.ServingBeans.HTTP_RUNNER}. */
    static final String NAME = "slate-http-resolver-runner";

    @Produces
    @Singleton
    @Named(NAME)
    HttpResolverRunner httpResolverRunner(Vertx vertx, SecretResolver secrets) {
        return new HttpResolverRunner(vertx, secrets);
    }

    void close(@Disposes @Named(NAME) HttpResolverRunner runner) {
        runner.close();
    }
}
