package dev.slate.serving.engine.source;

import dev.slate.serving.model.graph.FeatureGraph;
import java.util.Optional;

/**
 * Resolves secret references ({@code ${secret:NAME}}, {@code ${env:NAME}}) in source settings, in the
 * data plane, at connection time. Resolved values are never logged or returned by any API.
 *
 * <p>Stored secrets belong to one environment (docs/environments.md, "Secrets"): a runner resolves the
 * settings of a graph with {@link #resolveFor}, which looks only at the secrets of the environment that
 * graph serves. {@link #resolve(String)} knows no environment and so never sees a stored secret.
 */
public interface SecretResolver {

    /**
     * Returns {@code text} with every reference replaced by its value, without stored (per-environment) secrets.
     *
     * @throws IllegalArgumentException naming the missing reference (never a value) when one is not configured
     */
    String resolve(String text);

    /** Like {@link #resolve(String)}, with the stored secrets of {@code environment} when one is given. */
    default String resolve(Optional<String> environment, String text) {
        return resolve(text);
    }

    /** The environment whose stored secrets the resolvers of {@code graph} use; empty when the graph serves none. */
    default Optional<String> environmentOf(FeatureGraph graph) {
        return Optional.empty();
    }

    /** Resolves a setting of {@code graph} with the stored secrets of the environment it serves. */
    default String resolveFor(FeatureGraph graph, String text) {
        return resolve(environmentOf(graph), text);
    }
}
