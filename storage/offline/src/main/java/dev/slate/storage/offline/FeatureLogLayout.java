package dev.slate.storage.offline;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Types;

/**
 * The one place that knows the feature-log table layout (layout version 1, specified in
 * {@code docs/specs/offline-store-iceberg.md}): columns, field ids, partitioning, sort order, the entity-key
 * encoding and which value column holds which type. Field ids never change; new columns get new ids.
 */
final class FeatureLogLayout {

    static final String TABLE_NAME = "feature_log";
    static final int LAYOUT_VERSION = 1;

    /** Column names. */
    static final String NAMESPACE = "namespace";

    static final String ENTITY = "entity";
    static final String ENTITY_KEY = "entity_key";
    static final String FEATURE = "feature";
    static final String FEATURE_VERSION = "feature_version";
    static final String VALUE_TYPE = "value_type";
    static final String VALUE_INT = "value_int";
    static final String VALUE_FLOAT = "value_float";
    static final String VALUE_STRING = "value_string";
    static final String VALUE_BOOL = "value_bool";
    static final String VALUE_DATETIME = "value_datetime";
    static final String VALUE_DATE = "value_date";
    static final String VALUE_LIST = "value_list";
    static final String OBSERVED_AT = "observed_at";
    static final String WRITTEN_AT = "written_at";
    static final String WRITE_SEQ = "write_seq";
    static final String SOURCE = "source";
    static final String QUERY_ID = "query_id";
    static final String RESOLVER = "resolver";
    static final String DEPLOYMENT_ID = "deployment_id";

    /** Partition field name of the day transform of {@code observed_at}. */
    static final String OBSERVED_DAY = "observed_day";

    /**
     * All columns are optional in the Iceberg schema because DuckDB writes every Parquet column as OPTIONAL;
     * the store never writes a null into the key, time, sequence or source columns.
     */
    static final Schema SCHEMA = new Schema(
            Types.NestedField.optional(1, NAMESPACE, Types.StringType.get(), "environment"),
            Types.NestedField.optional(2, ENTITY, Types.StringType.get(), "entity class, e.g. user"),
            Types.NestedField.optional(3, ENTITY_KEY, Types.StringType.get(), "entity key, encoded (see the spec)"),
            Types.NestedField.optional(4, FEATURE, Types.StringType.get(), "feature name within the entity"),
            Types.NestedField.optional(5, FEATURE_VERSION, Types.StringType.get(), "hash of the feature definition"),
            Types.NestedField.optional(6, VALUE_TYPE, Types.StringType.get(), "feature type as spelled in projects"),
            Types.NestedField.optional(7, VALUE_INT, Types.LongType.get()),
            Types.NestedField.optional(8, VALUE_FLOAT, Types.DoubleType.get()),
            Types.NestedField.optional(9, VALUE_STRING, Types.StringType.get()),
            Types.NestedField.optional(10, VALUE_BOOL, Types.BooleanType.get()),
            Types.NestedField.optional(11, VALUE_DATETIME, Types.TimestampType.withZone()),
            Types.NestedField.optional(12, VALUE_DATE, Types.DateType.get()),
            Types.NestedField.optional(
                    13, VALUE_LIST, Types.StringType.get(), "list value in the ValueCodec text encoding"),
            Types.NestedField.optional(14, OBSERVED_AT, Types.TimestampType.withZone(), "when the value was true"),
            Types.NestedField.optional(15, WRITTEN_AT, Types.TimestampType.withZone(), "when the store appended it"),
            Types.NestedField.optional(16, WRITE_SEQ, Types.LongType.get(), "append order; breaks ties on observed_at"),
            Types.NestedField.optional(17, SOURCE, Types.StringType.get(), "computed or ingested"),
            Types.NestedField.optional(18, QUERY_ID, Types.StringType.get()),
            Types.NestedField.optional(19, RESOLVER, Types.StringType.get()),
            Types.NestedField.optional(20, DEPLOYMENT_ID, Types.StringType.get()));

    static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA)
            .identity(NAMESPACE)
            .identity(ENTITY)
            .identity(FEATURE)
            .day(OBSERVED_AT, OBSERVED_DAY)
            .build();

    static final SortOrder SORT_ORDER = SortOrder.builderFor(SCHEMA)
            .asc(ENTITY_KEY)
            .asc(OBSERVED_AT)
            .asc(WRITE_SEQ)
            .build();

    /** Table properties set at creation. */
    static final Map<String, String> TABLE_PROPERTIES = Map.of(
            "format-version", "2",
            "write.format.default", "parquet",
            "write.parquet.compression-codec", "zstd",
            "write.metadata.delete-after-commit.enabled", "true",
            "write.metadata.previous-versions-max", "100",
            "commit.retry.num-retries", "20",
            "commit.retry.min-wait-ms", "20",
            "slate.layout-version", Integer.toString(LAYOUT_VERSION));

    private FeatureLogLayout() {}

    /** The {@code FIELD_IDS} option of DuckDB's {@code COPY … (FORMAT PARQUET)} for every column. */
    static String duckDbFieldIds() {
        StringBuilder sb = new StringBuilder("{");
        for (Types.NestedField field : SCHEMA.columns()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(field.name()).append(": ").append(field.fieldId());
        }
        return sb.append('}').toString();
    }

    /**
     * The entity key as stored in {@code entity_key}: each part as {@code i<decimal>} (a Long) or
     * {@code s<length>:<text>} (a String; length in Unicode code points), concatenated. Injective: different
     * keys never share an encoding, whatever their parts contain.
     */
    static String encodeKey(EntityKey key) {
        if (key.parts().size() == 1) {
            return encodePart(key.parts().get(0));
        }
        StringBuilder sb = new StringBuilder();
        for (Object part : key.parts()) {
            sb.append(encodePart(part));
        }
        return sb.toString();
    }

    /** The inverse of {@link #encodeKey}; fails on text that no key encodes to. */
    static EntityKey decodeKey(String encoded) {
        List<Object> parts = new ArrayList<>(1);
        int i = 0;
        while (i < encoded.length()) {
            char kind = encoded.charAt(i);
            if (kind == 'i') {
                int end = i + 1;
                while (end < encoded.length() && encoded.charAt(end) != 'i' && encoded.charAt(end) != 's') {
                    end++;
                }
                parts.add(Long.parseLong(encoded.substring(i + 1, end)));
                i = end;
            } else if (kind == 's') {
                int colon = encoded.indexOf(':', i);
                if (colon < 0) {
                    throw new IllegalArgumentException("not an encoded entity key: " + encoded);
                }
                int codePoints = Integer.parseInt(encoded.substring(i + 1, colon));
                int end = encoded.offsetByCodePoints(colon + 1, codePoints);
                parts.add(encoded.substring(colon + 1, end));
                i = end;
            } else {
                throw new IllegalArgumentException("not an encoded entity key: " + encoded);
            }
        }
        return new EntityKey(parts);
    }

    private static String encodePart(Object part) {
        if (part instanceof Long l) {
            return "i" + l;
        }
        String s = (String) part;
        return "s" + s.codePointCount(0, s.length()) + ":" + s;
    }

    /** The value column that holds values of {@code type}. */
    static String valueColumn(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> VALUE_INT;
                    case FLOAT -> VALUE_FLOAT;
                    case STRING -> VALUE_STRING;
                    case BOOL -> VALUE_BOOL;
                    case DATETIME -> VALUE_DATETIME;
                    case DATE -> VALUE_DATE;
                };
            case FeatureType.ListOf ignored -> VALUE_LIST;
        };
    }

    /** A name made safe for one path segment ({@code [A-Za-z0-9_.-]}, at most 64 characters); not unique. */
    static String pathSegment(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 64; i++) {
            char c = name.charAt(i);
            sb.append(
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                            ? c
                            : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }
}
