package dev.slate.storage.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one text encoding of feature values used by stores that keep strings (Redis). Typed on read:
 * the reader supplies the {@link FeatureType}.
 *
 * <pre>
 * int       decimal                 42
 * float     Double.toString         0.25, NaN, Infinity
 * string    the characters          hello
 * bool      1 or 0
 * datetime  epoch microseconds      1767225600000000
 * date      ISO-8601                2026-01-01
 * list&lt;T&gt;   elements, each LEN:TEXT, or ~ for null   3:abc~1:x
 * </pre>
 * A null value at the top level is encoded by the store (see the key layout spec), not here.
 */
public final class ValueCodec {

    private ValueCodec() {}

    public static String encode(FeatureType type, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null is encoded by the store");
        }
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> Long.toString((Long) value);
                    case FLOAT -> Double.toString((Double) value);
                    case STRING -> (String) value;
                    case BOOL -> ((Boolean) value) ? "1" : "0";
                    case DATETIME -> Long.toString(toEpochMicros((Instant) value));
                    case DATE -> value.toString();
                };
            case FeatureType.ListOf l -> {
                StringBuilder sb = new StringBuilder();
                for (Object e : (List<?>) value) {
                    if (e == null) {
                        sb.append('~');
                    } else {
                        String t = encode(l.element(), e);
                        sb.append(t.length()).append(':').append(t);
                    }
                }
                yield sb.toString();
            }
        };
    }

    public static Object decode(FeatureType type, String text) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> Long.parseLong(text);
                    case FLOAT -> Double.parseDouble(text);
                    case STRING -> text;
                    case BOOL -> text.equals("1");
                    case DATETIME -> fromEpochMicros(Long.parseLong(text));
                    case DATE -> LocalDate.parse(text);
                };
            case FeatureType.ListOf l -> {
                List<Object> out = new ArrayList<>();
                int i = 0;
                while (i < text.length()) {
                    if (text.charAt(i) == '~') {
                        out.add(null);
                        i++;
                        continue;
                    }
                    int colon = text.indexOf(':', i);
                    if (colon < 0) {
                        throw new IllegalArgumentException("corrupt list encoding at " + i);
                    }
                    int len = Integer.parseInt(text, i, colon, 10);
                    out.add(decode(l.element(), text.substring(colon + 1, colon + 1 + len)));
                    i = colon + 1 + len;
                }
                yield Collections.unmodifiableList(out);
            }
        };
    }

    public static long toEpochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    public static Instant fromEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
