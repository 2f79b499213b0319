package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The Redis hashes the raw baseline reads: key {@code keyStem + id}, and the hash fields of the 50
 * cached features.
 *
 * @param origin where they come from: the appliance's own writes (discovered after warming the
 *     cache) or synthetic hashes of the same shape written by the benchmark
 */
record RedisBaselineKeys(String keyStem, List<String> fields, String origin) {

    RedisBaselineKeys {
        requireNonNull(keyStem, "keyStem is null");
        fields = List.copyOf(fields);
        requireNonNull(origin, "origin is null");
    }

    String key(long id) {
        return keyStem + id;
    }
}
