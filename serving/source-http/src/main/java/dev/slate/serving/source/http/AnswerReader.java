package dev.slate.serving.source.http;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.model.graph.ResolverNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an answer body as JSON and picks each output by its JSON pointer. A pointer that matches nothing
 * gives null (like a NULL column); objects and arrays become maps and lists, which the executor converts
 * to the feature's declared type (or reports per feature when they do not fit).
 */
final class AnswerReader {

    private AnswerReader() {}

    /** Output pointer → value; fails with a {@link ResolverFailure} when the body is not JSON. */
    static Map<String, Object> read(ResolverNode resolver, int status, Buffer body) {
        Object root;
        try {
            root = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new ResolverFailure("HTTP " + status + " answer is not valid JSON (" + body.length() + " bytes)");
        }
        Map<String, Object> out = new HashMap<>();
        for (ResolverNode.Output o : resolver.outputs()) {
            Object v =
                    o.column().isEmpty() ? root : JsonPointer.from(o.column()).queryJson(root);
            out.put(o.column(), plain(v));
        }
        return out;
    }

    /** Vert.x JSON values as plain Java: JsonObject → Map, JsonArray → List, recursively. */
    static Object plain(Object v) {
        return switch (v) {
            case JsonObject o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
                yield m;
            }
            case JsonArray a -> {
                List<Object> l = new ArrayList<>(a.size());
                a.forEach(e -> l.add(plain(e)));
                yield l;
            }
            case null, default -> v;
        };
    }
}
