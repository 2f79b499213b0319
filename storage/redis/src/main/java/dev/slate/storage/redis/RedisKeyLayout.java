package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The one place that knows how Slate lays out online values in Redis (specified in
 * {@code docs/specs/online-store-redis.md}; keep the two in step).
 *
 * <pre>
 * key    {prefix}:{esc(namespace)}:{esc(entity)}:i{long key}      for a Long key
 *        {prefix}:{esc(namespace)}:{esc(entity)}:s{esc(string key)} for a String key
 * field  {esc(feature)}@{esc(version)}
 * value  {observedAtEpochMicros}|v{ValueCodec text}   a value
 *        {observedAtEpochMicros}|n                     a stored null
 * </pre>
 * {@code esc} replaces each of {@code % : { } * ? [ ] \ @ |} with {@code %} and its two-digit
 * upper-case hex code, so escaped parts never contain a separator, a hash-tag brace or a glob
 * character, and distinct inputs never map to the same key or field.
 */
public final class RedisKeyLayout {

    /** What a key prefix may look like: short, and free of separators, braces and glob characters. */
    public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;

    public RedisKeyLayout(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "Redis key prefix must match " + PREFIX.pattern() + ", got '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The key of the hash that holds every feature slot of one entity instance. */
    public String entityKey(EntityRef entity) {
        String namespace = escape(entity.namespace());
        String name = escape(entity.entity());
        StringBuilder sb = new StringBuilder(prefix.length() + namespace.length() + name.length() + 24);
        sb.append(prefix).append(':').append(namespace).append(':').append(name).append(':');
        if (entity.key() instanceof Long l) {
            sb.append('i').append(l.longValue());
        } else {
            sb.append('s').append(escape((String) entity.key()));
        }
        return sb.toString();
    }

    /**
     * The key of one bucket of a materialized aggregation (section 7):
     * {@code {prefix}:{ns}:{{entity}:{tagged parent}}:b:{name}@{version}:{bucket}}. The braces are a literal Redis
     * Cluster hash tag: every bucket of one parent lives in one slot.
     */
    public String bucketKey(AggregateBuckets.Aggregation a, Object parent, long bucket) {
        return slotPart(a.namespace(), a.entity(), parent) + ":b:" + escape(a.name()) + '@' + escape(a.version()) + ':'
                + bucket;
    }

    /**
     * The key of one tile of one parent's buckets (the cached merged state of {@link AggregateBuckets#TILE_BUCKETS}
     * buckets): {@code {prefix}:{ns}:{{entity}:{tagged parent}}:t24:{name}@{version}:{tile}}, in the slot of the
     * parent's buckets.
     */
    public String tileKey(AggregateBuckets.Aggregation a, Object parent, long tile) {
        return slotPart(a.namespace(), a.entity(), parent) + ":t" + AggregateBuckets.TILE_BUCKETS + ':'
                + escape(a.name()) + '@' + escape(a.version()) + ':' + tile;
    }

    /**
     * The key of one related row's record for one materialized aggregation:
     * {@code {prefix}:{ns}:{{related entity}:{tagged row}}:r:{entity}:{name}@{version}}.
     */
    public String bucketRowKey(AggregateBuckets.Aggregation a, String relatedEntity, Object row) {
        return slotPart(a.namespace(), relatedEntity, row) + ":r:" + escape(a.entity()) + ':' + escape(a.name()) + '@'
                + escape(a.version());
    }

    /** The key that records since when the buckets of {@code a} are complete: {@code {prefix}:{ns}:{{entity}}:m:{name}@{version}}. */
    public String bucketCoverageKey(AggregateBuckets.Aggregation a) {
        return prefix + ':' + escape(a.namespace()) + ":{" + escape(a.entity()) + "}:m:" + escape(a.name()) + '@'
                + escape(a.version());
    }

    /** An entity key as a tagged string: {@code i42} for a Long, {@code s} and the escaped text for a String. */
    public static String taggedKey(Object key) {
        if (key instanceof Long l) {
            return "i" + l;
        }
        if (key instanceof String s) {
            return "s" + escape(s);
        }
        throw new IllegalArgumentException("an entity key is a Long or a String");
    }

    private String slotPart(String namespace, String entity, Object key) {
        return prefix + ':' + escape(namespace) + ":{" + escape(entity) + ':' + taggedKey(key) + '}';
    }

    /** The hash field of one feature slot. */
    public String field(FeatureSlot slot) {
        String feature = escape(slot.feature());
        String version = escape(slot.version());
        return new StringBuilder(feature.length() + version.length() + 1)
                .append(feature)
                .append('@')
                .append(version)
                .toString();
    }

    /** The SCAN MATCH pattern that matches exactly the keys of one namespace (no other glob character occurs). */
    public String namespacePattern(String namespace) {
        requireNonNull(namespace, "namespace is null");
        return prefix + ':' + escape(namespace) + ":*";
    }

    /** The hash value for {@code value} (may be null) observed at {@code observedAt}. */
    public String encodeValue(FeatureType type, Object value, Instant observedAt) {
        long micros = ValueCodec.toEpochMicros(observedAt);
        if (value == null) {
            return new StringBuilder(22).append(micros).append("|n").toString();
        }
        String text;
        try {
            text = ValueCodec.encode(type, value);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("value is not the canonical Java type of " + type + ": "
                    + value.getClass().getSimpleName());
        }
        return new StringBuilder(text.length() + 22)
                .append(micros)
                .append("|v")
                .append(text)
                .toString();
    }

    /**
     * Decodes a hash value as read from Redis. Parses the observed time straight from the bytes and
     * decodes only the value text to a string.
     *
     * @throws CorruptValueException when the bytes are not in the layout above or do not fit {@code type}
     */
    public StoredValue decodeValue(FeatureType type, Buffer raw) {
        int len = raw.length();
        int i = 0;
        boolean negative = len > 0 && raw.getByte(0) == '-';
        if (negative) {
            i = 1;
        }
        int digitsStart = i;
        long micros = 0;
        try {
            for (; i < len; i++) {
                byte b = raw.getByte(i);
                if (b == '|') {
                    break;
                }
                if (b < '0' || b > '9') {
                    throw new CorruptValueException("observed time is not a number");
                }
                // accumulate negatively so Long.MIN_VALUE parses
                micros = Math.subtractExact(Math.multiplyExact(micros, 10L), (long) (b - '0'));
            }
            if (i == digitsStart || i + 1 >= len) {
                throw new CorruptValueException("missing observed time or value marker");
            }
            if (!negative) {
                micros = Math.negateExact(micros);
            }
        } catch (ArithmeticException e) {
            throw new CorruptValueException("observed time out of range");
        }
        Instant observedAt = ValueCodec.fromEpochMicros(micros);
        byte marker = raw.getByte(i + 1);
        if (marker == 'n' && i + 2 == len) {
            return new StoredValue(null, observedAt);
        }
        if (marker != 'v') {
            throw new CorruptValueException("unknown value marker");
        }
        String text = raw.getString(i + 2, len);
        try {
            return new StoredValue(ValueCodec.decode(type, text), observedAt);
        } catch (RuntimeException e) {
            throw new CorruptValueException("value does not decode as " + type);
        }
    }

    /** Escapes one part of a key or field; returns {@code part} itself when nothing needs escaping. */
    public static String escape(String part) {
        int n = part.length();
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (needsEscape(part.charAt(i))) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return part;
        }
        StringBuilder sb = new StringBuilder(n + 8);
        sb.append(part, 0, first);
        for (int i = first; i < n; i++) {
            char c = part.charAt(i);
            if (needsEscape(c)) {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean needsEscape(char c) {
        return switch (c) {
            case '%', ':', '{', '}', '*', '?', '[', ']', '\\', '@', '|' -> true;
            default -> false;
        };
    }

    /** A hash value that is not in the layout of this class. The message names no data. */
    public static final class CorruptValueException extends IllegalStateException {
        public CorruptValueException(String message) {
            super("corrupt online value: " + message);
        }
    }
}
