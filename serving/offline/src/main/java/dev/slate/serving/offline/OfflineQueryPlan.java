package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.FeatureLookup;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * An offline query bound against the deployment that was active when it was submitted: the spine's key
 * columns and, for every output, the exact feature slot and staleness bound to read. Kept with the job (as
 * JSON), so a job re-run after a restart reads the same slots even if another deployment is active by then.
 *
 * @param keys the spine's key columns, in spine order
 * @param outputs the result's feature columns, in request order
 */
public record OfflineQueryPlan(
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("keys") List<KeyColumn> keys,
        @JsonProperty("outputs") List<Output> outputs) {

    public OfflineQueryPlan {
        requireNonNull(deploymentId, "deploymentId is null");
        keys = List.copyOf(keys);
        outputs = List.copyOf(outputs);
    }

    /** A key column of the spine: the qualified key feature ({@code user.id}), its entity and its type ({@code int} or {@code string}). */
    public record KeyColumn(
            @JsonProperty("name") String name,
            @JsonProperty("entity") String entity,
            @JsonProperty("type") String type) {
        public KeyColumn {
            requireNonNull(name, "name is null");
            requireNonNull(entity, "entity is null");
            requireNonNull(type, "type is null");
        }
    }

    /**
     * One result column: the qualified feature name, its entity, the slot (feature name, version, type),
     * the staleness bound in microseconds (null: none) and whether the column is recomputed (its resolvers
     * and expressions re-run for every spine row) rather than read from the feature log, and whether it is
     * derived (an expression output that is not recomputed: evaluated for every spine row over the
     * point-in-time values of its inputs, docs/specs/point-in-time.md#expressions). Plans stored before recompute or
     * derive existed read back with them false.
     */
    public record Output(
            @JsonProperty("name") String name,
            @JsonProperty("entity") String entity,
            @JsonProperty("feature") String feature,
            @JsonProperty("version") String version,
            @JsonProperty("type") String type,
            @JsonProperty("max_staleness_us") Long maxStalenessMicros,
            @JsonProperty("recompute") boolean recompute,
            @JsonProperty("derive") boolean derive,
            @JsonProperty("path") List<Hop> path,
            @JsonProperty("aggregate") boolean aggregate) {

        public Output {
            requireNonNull(name, "name is null");
            requireNonNull(entity, "entity is null");
            requireNonNull(feature, "feature is null");
            requireNonNull(version, "version is null");
            requireNonNull(type, "type is null");
            path = path == null ? List.of() : List.copyOf(path); // plans stored before paths existed have none
        }

        /** An output that is not a windowed aggregation. */
        public Output(
                String name,
                String entity,
                String feature,
                String version,
                String type,
                Long maxStalenessMicros,
                boolean recompute,
                boolean derive,
                List<Hop> path) {
            this(name, entity, feature, version, type, maxStalenessMicros, recompute, derive, path, false);
        }

        /**
         * A window of an aggregation ({@code user.txn_count[1h]}): computed for every spine row from the history of the
         * related rows (docs/specs/aggregations.md, "Offline"), never read from the feature log.
         */
        public static Output aggregation(String name, String entity, String feature, String version, String type) {
            return new Output(name, entity, feature, version, type, null, false, false, List.of(), true);
        }

        /** An output read through no relation. */
        public Output(
                String name,
                String entity,
                String feature,
                String version,
                String type,
                Long maxStalenessMicros,
                boolean recompute,
                boolean derive) {
            this(name, entity, feature, version, type, maxStalenessMicros, recompute, derive, List.of());
        }

        /** An output that is not derived. */
        public Output(
                String name,
                String entity,
                String feature,
                String version,
                String type,
                Long maxStalenessMicros,
                boolean recompute) {
            this(name, entity, feature, version, type, maxStalenessMicros, recompute, false);
        }

        /** True when the output is read through has_one relations ({@code transaction.user.country}): see {@link Hop}. */
        public boolean followsPath() {
            return !path.isEmpty();
        }

        /** The staleness bound of a feature in microseconds; null for none (or one beyond any time span the store keeps). */
        public static Long micros(Optional<Duration> bound) {
            if (bound.isEmpty() || bound.get().getSeconds() >= 400_000L * 365 * 86_400) {
                return null;
            }
            return bound.get().getSeconds() * 1_000_000L + bound.get().getNano() / 1_000;
        }

        public FeatureType featureType() {
            return FeatureType.parse(type).orElseThrow(() -> new IllegalStateException("unknown feature type " + type));
        }

        public FeatureLookup lookup() {
            FeatureSlot slot = new FeatureSlot(feature, version, featureType());
            return new FeatureLookup(
                    slot, Optional.ofNullable(maxStalenessMicros).map(us -> Duration.of(us, ChronoUnit.MICROS)));
        }
    }

    /**
     * One relation a path output follows (docs/offline.md, "Relationships"): the foreign key {@code holder} (a feature
     * of the entity reached so far, read point-in-time like an output) gives the key {@code target} of the next entity.
     * The path's last entity is {@code target} of the last hop; the output's own slot is read there.
     *
     * @param relation the relation ({@code transaction.user})
     * @param holder the foreign-key feature's lookup, named by its qualified name
     * @param target the related entity's key: the column the next lookup is keyed by
     */
    public record Hop(
            @JsonProperty("relation") String relation,
            @JsonProperty("holder") Output holder,
            @JsonProperty("target") KeyColumn target) {
        public Hop {
            requireNonNull(relation, "relation is null");
            requireNonNull(holder, "holder is null");
            requireNonNull(target, "target is null");
        }
    }

    /** The entities with outputs, in the order of their first output. */
    public List<String> entities() {
        return outputs.stream().map(Output::entity).distinct().toList();
    }

    /** The outputs read from the feature log (neither recomputed nor derived nor read through relations nor aggregations), in request order. */
    public List<Output> loggedOutputs() {
        return outputs.stream()
                .filter(o -> !o.recompute() && !o.derive() && !o.followsPath() && !o.aggregate())
                .toList();
    }

    /** The windows of aggregations, in request order. */
    public List<Output> aggregateOutputs() {
        return outputs.stream().filter(Output::aggregate).toList();
    }

    /** The outputs read through relations, in request order. */
    public List<Output> pathOutputs() {
        return outputs.stream().filter(Output::followsPath).toList();
    }

    /** The derived outputs (expressions over point-in-time inputs), in request order. */
    public List<Output> derivedOutputs() {
        return outputs.stream().filter(Output::derive).toList();
    }

    /** True when at least one output is derived. */
    public boolean derives() {
        return outputs.stream().anyMatch(Output::derive);
    }

    /** The recomputed outputs, in request order. */
    public List<Output> recomputedOutputs() {
        return outputs.stream().filter(Output::recompute).toList();
    }

    /** True when at least one output is recomputed. */
    public boolean recomputes() {
        return outputs.stream().anyMatch(Output::recompute);
    }

    /** The key column of {@code entity}. */
    public KeyColumn keyOf(String entity) {
        return keys.stream()
                .filter(k -> k.entity().equals(entity))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no key column for entity " + entity));
    }
}
