package dev.slate.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.model.FeatureId;
import java.util.List;

/** How a feature gets its value. */
public sealed interface Producer {

    /** The entity's primary key: only ever given as a query input. */
    record EntityKey() implements Producer {
    }

    /** Filled by ingestion (API, uploads, reverse ETL); read from the stores, never computed. */
    record Ingested() implements Producer {
    }

    /** One of the outputs of a resolver. */
    record Resolved(String resolver) implements Producer {
        public Resolved {
            requireNonNull(resolver, "resolver is null");
        }
    }

    /** A CEL expression over other features of the same entity. */
    record Computed(Expression expression) implements Producer {
        public Computed {
            requireNonNull(expression, "expression is null");
        }

        public List<FeatureId> dependencies() {
            return expression.dependencies();
        }
    }
}
