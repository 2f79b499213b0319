package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import java.time.Duration;
import java.util.List;

/** How a feature gets its value. */
public sealed interface Producer {

    /** The entity's primary key: only ever given as a query input. */
    record EntityKey() implements Producer {}

    /** Filled by ingestion (API, uploads, reverse ETL); read from the stores, never computed. */
    record Ingested() implements Producer {}

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

    /**
     * A feature of a related entity read through a {@code has_one} relation ({@code transaction.user.age}):
     * the related entity's subgraph is planned from the foreign-key value.
     *
     * @param target the related entity's feature (itself possibly a path, e.g. {@code user.account.balance})
     */
    record Related(RelationNode relation, FeatureId target) implements Producer {
        public Related {
            requireNonNull(relation, "relation is null");
            requireNonNull(target, "target is null");
        }
    }

    /**
     * The related rows of a {@code has_many} relation as one value ({@code user.transactions}): a list of objects,
     * newest first by the related entity's event time, at most the relation's limit (see {@link RelationListings}).
     *
     * @param time the related entity's event-time feature, which orders the rows
     * @param fields the related entity's features each object holds, in object order
     */
    record Listed(RelationNode relation, FeatureId time, List<FeatureId> fields) implements Producer {
        public Listed {
            requireNonNull(relation, "relation is null");
            requireNonNull(time, "time is null");
            fields = List.copyOf(fields);
        }
    }

    /** One window of a windowed aggregation ({@code user.txn_count[1h]}). */
    record Aggregated(AggregationNode aggregation, Duration window) implements Producer {
        public Aggregated {
            requireNonNull(aggregation, "aggregation is null");
            requireNonNull(window, "window is null");
        }
    }
}
