package dev.slate.engine.source;

/**
 * Resolves secret references ({@code ${secret:NAME}}, {@code ${env:NAME}}) in source settings, in the
 * data plane, at connection time. Resolved values are never logged or returned by any API.
 */
public interface SecretResolver {

    /**
     * Returns {@code text} with every reference replaced by its value.
     *
     * @throws IllegalArgumentException naming the missing reference (never a value) when one is not configured
     */
    String resolve(String text);
}
