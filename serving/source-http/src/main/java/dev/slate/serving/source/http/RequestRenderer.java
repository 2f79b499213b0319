package dev.slate.serving.source.http;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.model.graph.HttpCall;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an {@link HttpCall}'s templates and one row's parameter values into the request to send. Parameter
 * values are percent-encoded in the URL, JSON values in the body (a string quoted and escaped), text in
 * headers. Secret references are resolved here, in the data plane; every resolved value is remembered so
 * that any message about this request can be scrubbed of it ({@link Rendered#redact}).
 */
final class RequestRenderer {

    private RequestRenderer() {}

    /** The request of one run. {@code secrets} are the resolved secret values it holds. */
    record Rendered(
            String method, String url, Map<String, String> headers, Optional<String> body, List<String> secrets) {

        /** {@code text} with every secret value of this request replaced by {@code ***}. */
        String redact(String text) {
            if (text == null) {
                return null;
            }
            String out = text;
            for (String s : secrets) {
                if (!s.isEmpty()) {
                    out = out.replace(s, "***");
                }
            }
            return out;
        }
    }

    static Rendered render(HttpCall call, Object[] parameters, SecretResolver secretResolver) {
        List<String> secrets = new ArrayList<>();
        String url = render(call.url(), parameters, secretResolver, secrets, Target.URL);
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpCall.Header h : call.headers()) {
            String value = render(h.value(), parameters, secretResolver, secrets, Target.HEADER);
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new ResolverFailure("header " + h.name() + " would hold a line break; the request was not sent");
            }
            headers.put(h.name(), value);
        }
        Optional<String> body = call.body().map(b -> render(b, parameters, secretResolver, secrets, Target.BODY));
        return new Rendered(call.method(), url, headers, body, secrets);
    }

    private enum Target {
        URL,
        HEADER,
        BODY
    }

    private static String render(
            HttpCall.Template template,
            Object[] parameters,
            SecretResolver secretResolver,
            List<String> secrets,
            Target target) {
        StringBuilder sb = new StringBuilder();
        List<HttpCall.Part> parts = template.parts();
        for (int i = 0; i < parts.size(); i++) {
            switch (parts.get(i)) {
                case HttpCall.Part.Literal l -> sb.append(l.text());
                case HttpCall.Part.Parameter p -> {
                    Object v = parameters[p.index()];
                    sb.append(
                            switch (target) {
                                case URL -> encode(text(v));
                                case HEADER -> text(v);
                                case BODY -> json(v);
                            });
                }
                case HttpCall.Part.Secret s -> {
                    String value;
                    try {
                        value = secretResolver.resolve(s.reference());
                    } catch (IllegalArgumentException e) {
                        throw new ResolverFailure(e.getMessage()); // names the reference, never a value
                    }
                    secrets.add(value);
                    if (!encode(value).equals(value)) {
                        secrets.add(encode(value));
                    }
                    sb.append(
                            switch (target) {
                                // a reference that starts the URL is its base (scheme, host, path): inserted as written
                                case URL -> i == 0 ? value : encode(value);
                                case HEADER -> value;
                                case BODY -> {
                                    String quoted = Json.encode(value);
                                    yield quoted.substring(1, quoted.length() - 1); // the content of a JSON string
                                }
                            });
                }
            }
        }
        return sb.toString();
    }

    /** A value as text: ISO-8601 for times and dates, empty for null. */
    static String text(Object v) {
        return switch (v) {
            case null -> "";
            case Instant t -> t.toString();
            case LocalDate d -> d.toString();
            case List<?> l -> jsonList(l).encode();
            default -> String.valueOf(v);
        };
    }

    /** Percent-encoding of RFC 3986: every byte but unreserved characters. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    /** One JSON value: a string is quoted and escaped; a non-finite number is null (JSON has none). */
    static String json(Object v) {
        return switch (v) {
            case null -> "null";
            case Double d when d.isNaN() || d.isInfinite() -> "null";
            case Number n -> String.valueOf(n);
            case Boolean b -> String.valueOf(b);
            case List<?> l -> jsonList(l).encode();
            default -> Json.encode(text(v));
        };
    }

    private static JsonArray jsonList(List<?> list) {
        JsonArray a = new JsonArray();
        for (Object o : list) {
            a.add(
                    switch (o) {
                        case null -> null;
                        case Double d when d.isNaN() || d.isInfinite() -> null;
                        case Number n -> n;
                        case Boolean b -> b;
                        case List<?> l -> jsonList(l);
                        default -> text(o);
                    });
        }
        return a;
    }
}
