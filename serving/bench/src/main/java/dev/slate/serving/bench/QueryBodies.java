package dev.slate.serving.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * Request bodies of {@code /v1/query/online} and {@code /bulk}, built from a pre-encoded template so
 * that the generator spends next to nothing per request.
 */
final class QueryBodies {

    private final String prefix;
    private final String suffix;

    private QueryBodies(String keyFeature, List<String> outputs, boolean includeMeta) {
        this.prefix = "{\"inputs\":{\"" + keyFeature + "\":";
        this.suffix = "},\"outputs\":" + new JsonArray(List.copyOf(outputs)).encode()
                + (includeMeta ? ",\"include_meta\":true" : "") + "}";
    }

    static QueryBodies of(String keyFeature, List<String> outputs) {
        return new QueryBodies(keyFeature, outputs, false);
    }

    static QueryBodies withMeta(String keyFeature, List<String> outputs) {
        return new QueryBodies(keyFeature, outputs, true);
    }

    /** {@code {"inputs":{"item.id":42},"outputs":[...]}}. */
    Buffer single(long id) {
        return Buffer.buffer(prefix.length() + suffix.length() + 20)
                .appendString(prefix)
                .appendString(Long.toString(id))
                .appendString(suffix);
    }

    /** {@code {"inputs":{"item.id":[1,2,3]},"outputs":[...]}}. */
    Buffer bulk(long[] ids) {
        StringBuilder sb = new StringBuilder(prefix.length() + suffix.length() + ids.length * 7 + 2)
                .append(prefix)
                .append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        return Buffer.buffer(sb.append(']').append(suffix).toString());
    }
}
