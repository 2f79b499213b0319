package dev.slate.appliance.source;

import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.source.http.HttpResolverRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * The runner of {@code kind: http} resolvers, on the application's Vert.x instance; {@link SourceRunnersProducer}
 * dispatches HTTP resolvers to it.
 */
@Singleton
class HttpResolverProducer {

    @Produces
    @Singleton
    @Typed(HttpResolverRunner.class)
    HttpResolverRunner httpResolverRunner(Vertx vertx, SecretResolver secrets) {
        return new HttpResolverRunner(vertx, secrets);
    }

    void close(@Disposes HttpResolverRunner runner) {
        runner.close();
    }
}
