package dev.slate.serving.engine.query;

/**
 * Told about the values each online query computed, once its answer is complete (the feature log).
 * Called on the thread that completes the query: implementations must return at once and never fail
 * the query (an exception is swallowed).
 */
@FunctionalInterface
public interface ComputedValuesListener {

    ComputedValuesListener NONE = values -> {};

    void computed(ComputedValues values);
}
