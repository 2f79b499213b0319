package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the floor server ({@link FloorServer}) serves: for each output name, the Redis hash field that
 * holds it and its type, plus the key feature and the key stem of the entity's hashes. The benchmark
 * sends it to the floor ({@code PUT /floor/catalog}) once it has found the appliance's own cache
 * entries ({@link RedisBaselineSetup#discover}), so the floor reads exactly the hashes and fields the
 * appliance reads (layout: docs/specs/online-store-redis.md).
 *
 * @param keyFeature the input that carries the entity key, e.g. {@code item.id}
 * @param keyStem the hash key without the id, e.g. {@code slate:bench:item:i}
 * @param features by output name, in the catalog's order
 */
record FloorCatalog(String keyFeature, String keyStem, Map<String, Feature> features) {

    /** The value types the floor decodes (docs/specs/online-store-redis.md, ValueCodec text). */
    enum Type {
        INT,
        FLOAT,
        STRING,
        BOOL;

        static Type of(String featureType) {
            return switch (featureType) {
                case "int" -> INT;
                case "float" -> FLOAT;
                case "string" -> STRING;
                case "bool" -> BOOL;
                default ->
                    throw new IllegalArgumentException("the floor server does not decode type '" + featureType + "'");
            };
        }
    }

    /** One output: its hash field ({@code feature@version}) and type. */
    record Feature(String output, String field, Type type) {
        Feature {
            requireNonNull(output, "output is null");
            requireNonNull(field, "field is null");
            requireNonNull(type, "type is null");
        }
    }

    FloorCatalog {
        requireNonNull(keyFeature, "keyFeature is null");
        requireNonNull(keyStem, "keyStem is null");
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /** The catalog of scenarios (a) and (b): outputs item.f1..item.f50, read from the baseline's hashes. */
    static FloorCatalog forBench(RedisBaselineKeys keys) {
        Map<String, Feature> features = new LinkedHashMap<>();
        for (int i = 1; i <= BenchSchema.CACHED_FEATURES; i++) {
            String output = BenchProject.CACHED_ENTITY + "." + BenchSchema.column(i);
            features.put(
                    output, new Feature(output, keys.fields().get(i - 1), Type.of(BenchSchema.kind(i).featureType)));
        }
        return new FloorCatalog(BenchProject.CACHED_ENTITY + ".id", keys.keyStem(), features);
    }

    String key(long id) {
        return keyStem + id;
    }

    JsonObject toJson() {
        JsonObject features = new JsonObject();
        this.features
                .values()
                .forEach(f -> features.put(
                        f.output(),
                        new JsonObject()
                                .put("field", f.field())
                                .put("type", f.type().name())));
        return new JsonObject()
                .put("key_feature", keyFeature)
                .put("key_stem", keyStem)
                .put("features", features);
    }

    /** @throws IllegalArgumentException when a part is missing or a type is unknown */
    static FloorCatalog fromJson(JsonObject json) {
        String keyFeature = json.getString("key_feature");
        String keyStem = json.getString("key_stem");
        JsonObject features = json.getJsonObject("features");
        if (keyFeature == null || keyStem == null || features == null || features.isEmpty()) {
            throw new IllegalArgumentException("a catalog needs key_feature, key_stem and features");
        }
        Map<String, Feature> out = new LinkedHashMap<>();
        for (String output : features.fieldNames()) {
            JsonObject f = features.getJsonObject(output);
            String field = f.getString("field");
            String type = f.getString("type");
            if (field == null || type == null) {
                throw new IllegalArgumentException("feature " + output + " needs field and type");
            }
            out.put(output, new Feature(output, field, Type.valueOf(type)));
        }
        return new FloorCatalog(keyFeature, keyStem, out);
    }
}
