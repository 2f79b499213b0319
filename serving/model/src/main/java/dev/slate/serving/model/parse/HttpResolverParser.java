package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.HttpCall;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SecretReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a {@code kind: http} resolver entry (docs/specs/project-format.md, "HTTP resolvers"). Feature names in
 * templates are bound later, by the compiler; here only the shape, the policy values and plain-text
 * credentials are checked.
 */
final class HttpResolverParser {
    static final Set<String> KEYS = Set.of(
            "name",
            "kind",
            "url",
            "method",
            "headers",
            "body",
            "resolves",
            "outputs",
            "timeout",
            "retries",
            "idempotent",
            "circuit_breaker",
            "max_concurrency",
            "max_queue",
            "max_response_bytes",
            "description");
    static final Set<String> BREAKER_KEYS = Set.of("failures", "cool_down");
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Header names whose value is a credential: it must come from a reference. */
    private static final Pattern SENSITIVE_HEADER =
            Pattern.compile("(?i)authorization|proxy-authorization|cookie|.*(token|secret|password|api-?key).*");

    private static final Pattern SENSITIVE_QUERY = Pattern.compile(
            "(?i)[?&]([a-z0-9_.-]*(token|secret|password|passwd|api_?key|apikey)[a-z0-9_.-]*)=([^&#]*)");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*:[^/@]+@.*");
    static final long MAX_RESPONSE_BYTES = 64L << 20;

    private final String file;
    private final String[] rawLines;
    private final Problems problems;

    HttpResolverParser(String file, String[] rawLines, Problems problems) {
        this.file = file;
        this.rawLines = rawLines;
        this.problems = problems;
    }

    Optional<ResolverSpec> parse(YamlMap m, Optional<String> name, String what, SourceLocation at) {
        m.rejectUnknown(KEYS, what);
        String method = m.scalar("method", "method of " + what)
                .map(s -> s.strip().toUpperCase(Locale.ROOT))
                .orElse("GET");
        if (!METHODS.contains(method)) {
            problems.add(
                    m.valueLocation("method"),
                    ErrorCode.INVALID_VALUE,
                    "method of " + what + " must be one of " + String.join(", ", METHODS) + ", not '" + method + "'"
                            + Suggestions.didYouMean(method, METHODS));
        }
        Optional<EmbeddedText> url = text(m, "url", what, true);
        url.ifPresent(u -> checkUrl(u.text(), m.valueLocation("url"), what));
        List<ResolverSpec.Http.Header> headers = headers(m, what);
        Optional<EmbeddedText> body = text(m, "body", what, false);
        if (body.isPresent() && !BODY_METHODS.contains(method) && METHODS.contains(method)) {
            problems.add(
                    m.keyLocation("body"),
                    ErrorCode.INVALID_VALUE,
                    what + " sends a body with " + method + "; only POST, PUT and PATCH carry one");
        }
        int before = problems.size();
        List<ResolverSpec.Http.PointerOutput> outputs = outputs(m, what, at);
        boolean outputsRead = problems.size() == before;
        HttpCall.Policy policy = policy(m, what, method);
        if (name.isEmpty() || url.isEmpty() || outputs.isEmpty() || !outputsRead) {
            return Optional.empty(); // unreadable: its outputs are then not reported as having no resolver
        }
        return Optional.of(new ResolverSpec.Http(
                name.get(),
                method,
                url.get(),
                headers,
                body,
                m.scalar("resolves", "resolves of " + what),
                m.valueLocation("resolves"),
                outputs,
                policy,
                at));
    }

    private Optional<EmbeddedText> text(YamlMap m, String key, String what, boolean required) {
        if (!m.has(key)) {
            if (required) {
                problems.add(m.location(), ErrorCode.MISSING_FIELD, what + " has no '" + key + "'");
            }
            return Optional.empty();
        }
        Node n = m.node(key).orElseThrow();
        if (n instanceof ScalarNode s && !YamlMap.isNull(s) && !s.getValue().isBlank()) {
            return Optional.of(YamlText.embedded(file, rawLines, s));
        }
        if (n instanceof ScalarNode) {
            problems.add(m.keyLocation(key), ErrorCode.MISSING_FIELD, "'" + key + "' of " + what + " is empty");
        } else {
            problems.add(
                    m.valueLocation(key),
                    ErrorCode.INVALID_VALUE,
                    "'" + key + "' of " + what + " must be text, not " + YamlMap.describe(n));
        }
        return Optional.empty();
    }

    private void checkUrl(String url, SourceLocation at, String what) {
        String u = url.strip();
        if (!(u.startsWith("http://") || u.startsWith("https://") || u.startsWith("${"))) {
            problems.add(
                    at,
                    ErrorCode.INVALID_VALUE,
                    "url of " + what
                            + " must start with http:// or https:// (or a ${secret:NAME} / ${env:NAME} reference)");
            return;
        }
        if (USERINFO_PASSWORD.matcher(u).matches()) {
            problems.add(
                    at,
                    ErrorCode.PLAINTEXT_SECRET,
                    "url of " + what
                            + " holds a password in plain text; send credentials in a header whose value is a ${secret:NAME} reference");
            return;
        }
        Matcher q = SENSITIVE_QUERY.matcher(u);
        while (q.find()) {
            String value = q.group(3);
            if (!value.isEmpty() && !value.contains("${") && !value.contains("{{")) {
                problems.add(
                        at,
                        ErrorCode.PLAINTEXT_SECRET,
                        "url of " + what + " holds query parameter '" + q.group(1)
                                + "' in plain text; write its value as a reference such as ${secret:NAME}");
            }
        }
    }

    private List<ResolverSpec.Http.Header> headers(YamlMap m, String what) {
        List<ResolverSpec.Http.Header> headers = new ArrayList<>();
        m.node("headers")
                .ifPresent(n -> YamlMap.of(file, n, problems, "headers of " + what)
                        .ifPresent(h -> {
                            for (String header : h.keys()) {
                                String where = "header '" + header + "' of " + what;
                                if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                                    problems.add(
                                            h.keyLocation(header),
                                            ErrorCode.INVALID_NAME,
                                            where + " is not a valid HTTP header name");
                                    continue;
                                }
                                Node v = h.node(header).orElseThrow();
                                if (!(v instanceof ScalarNode s) || YamlMap.isNull(s)) {
                                    problems.add(
                                            h.valueLocation(header),
                                            ErrorCode.INVALID_VALUE,
                                            where + " must be text, not " + YamlMap.describe(v));
                                    continue;
                                }
                                String value = s.getValue();
                                if (brokenReference(value)) {
                                    problems.add(
                                            h.valueLocation(header),
                                            ErrorCode.INVALID_VALUE,
                                            where
                                                    + " is not a valid reference; write ${secret:NAME} or ${env:NAME} (NAME: letters, digits, _ . -)");
                                    continue;
                                }
                                if (SENSITIVE_HEADER.matcher(header).matches()
                                        && !SecretReference.REFERENCE
                                                .matcher(value)
                                                .find()) {
                                    problems.add(
                                            h.valueLocation(header),
                                            ErrorCode.PLAINTEXT_SECRET,
                                            where
                                                    + " is a credential written in plain text; write it with a reference, e.g. \"Bearer ${secret:NAME}\"");
                                    continue;
                                }
                                headers.add(new ResolverSpec.Http.Header(header, YamlText.embedded(file, rawLines, s)));
                            }
                        }));
        return headers;
    }

    /** True when some {@code ${} in the text starts no valid {@code ${secret:NAME}} or {@code ${env:NAME}}. */
    private static boolean brokenReference(String value) {
        for (int i = value.indexOf("${"); i >= 0; i = value.indexOf("${", i + 2)) {
            if (!SecretReference.REFERENCE
                    .matcher(value)
                    .region(i, value.length())
                    .lookingAt()) {
                return true;
            }
        }
        return false;
    }

    private List<ResolverSpec.Http.PointerOutput> outputs(YamlMap m, String what, SourceLocation at) {
        List<ResolverSpec.Http.PointerOutput> outputs = new ArrayList<>();
        if (!m.has("outputs")) {
            problems.add(at, ErrorCode.MISSING_FIELD, what + " has no 'outputs' (feature: /json/pointer lines)");
            return outputs;
        }
        Node n = m.node("outputs").orElseThrow();
        if (!(n instanceof MappingNode)) {
            problems.add(
                    m.valueLocation("outputs"),
                    ErrorCode.INVALID_VALUE,
                    "outputs of " + what + " must map features to JSON pointers (e.g. credit_score: /score), not "
                            + YamlMap.describe(n));
            return outputs;
        }
        YamlMap o = YamlMap.of(file, n, problems, "outputs of " + what).orElseThrow();
        for (String feature : o.keys()) {
            Optional<String> pointer = o.scalar(feature, "JSON pointer of output '" + feature + "' of " + what);
            if (pointer.isEmpty()) {
                problems.add(
                        o.keyLocation(feature),
                        ErrorCode.MISSING_FIELD,
                        "output '" + feature + "' of " + what + " has no JSON pointer (e.g. /score)");
                continue;
            }
            String p = pointer.get().strip();
            if (!p.isEmpty() && !p.startsWith("/")) {
                problems.add(
                        o.valueLocation(feature),
                        ErrorCode.INVALID_VALUE,
                        "output '" + feature + "' of " + what + ": '" + p
                                + "' is not a JSON pointer; write /a/b/0 for answer.a.b[0] (RFC 6901: ~1 for /, ~0 for ~)");
                continue;
            }
            if (p.matches(".*~[^01].*|.*~$")) {
                problems.add(
                        o.valueLocation(feature),
                        ErrorCode.INVALID_VALUE,
                        "output '" + feature + "' of " + what + ": '" + p + "' has a ~ that is not ~0 or ~1");
                continue;
            }
            outputs.add(
                    new ResolverSpec.Http.PointerOutput(new ResolverSpec.Named(feature, o.keyLocation(feature)), p));
        }
        if (outputs.isEmpty() && o.keys().isEmpty()) {
            problems.add(m.keyLocation("outputs"), ErrorCode.MISSING_FIELD, "outputs of " + what + " is empty");
        }
        return outputs;
    }

    private HttpCall.Policy policy(YamlMap m, String what, String method) {
        HttpCall.Policy d = HttpCall.Policy.DEFAULT;
        Duration timeout = duration(m, "timeout", "timeout of " + what).orElse(d.timeout());
        Optional<Boolean> idempotent = m.bool("idempotent", "idempotent of " + what);
        boolean retryable = HttpCall.IDEMPOTENT_METHODS.contains(method) || idempotent.orElse(false);
        Optional<Integer> retries = integer(m, "retries", "retries of " + what, 0, 10);
        if (retries.isPresent() && retries.get() > 0 && !retryable) {
            problems.add(
                    m.valueLocation("retries"),
                    ErrorCode.INVALID_VALUE,
                    what + " retries a " + method
                            + ", which may not be sent twice; declare idempotent: true if the endpoint allows it, or remove retries");
        }
        int failures = d.breakerFailures();
        Duration coolDown = d.breakerCoolDown();
        if (m.has("circuit_breaker")) {
            Optional<YamlMap> b =
                    YamlMap.of(file, m.node("circuit_breaker").orElseThrow(), problems, "circuit_breaker of " + what);
            if (b.isPresent()) {
                b.get().rejectUnknown(BREAKER_KEYS, "circuit_breaker of " + what);
                failures = integer(b.get(), "failures", "circuit_breaker.failures of " + what, 1, 1000)
                        .orElse(failures);
                coolDown = duration(b.get(), "cool_down", "circuit_breaker.cool_down of " + what)
                        .orElse(coolDown);
            }
        }
        int concurrency = integer(m, "max_concurrency", "max_concurrency of " + what, 1, 10_000)
                .orElse(d.maxConcurrency());
        int queue = integer(m, "max_queue", "max_queue of " + what, 0, 100_000).orElse(d.maxQueue());
        long bytes = integer(m, "max_response_bytes", "max_response_bytes of " + what, 1, (int) MAX_RESPONSE_BYTES)
                .map(Integer::longValue)
                .orElse(d.maxResponseBytes());
        return new HttpCall.Policy(
                timeout,
                retryable ? retries.orElse(d.retries()) : 0,
                idempotent.orElse(false),
                failures,
                coolDown,
                concurrency,
                queue,
                bytes);
    }

    private Optional<Duration> duration(YamlMap m, String key, String what) {
        return m.scalar(key, what).flatMap(text -> {
            try {
                Duration d = Durations.parse(text);
                if (d.isZero()) {
                    problems.add(m.valueLocation(key), ErrorCode.BAD_DURATION, what + " must be more than 0s");
                    return Optional.empty();
                }
                return Optional.of(d);
            } catch (IllegalArgumentException e) {
                problems.add(m.valueLocation(key), ErrorCode.BAD_DURATION, what + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<Integer> integer(YamlMap m, String key, String what, int min, int max) {
        return m.scalar(key, what).flatMap(v -> {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= min && n <= max) {
                    return Optional.of(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(
                    m.valueLocation(key),
                    ErrorCode.INVALID_VALUE,
                    what + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
            return Optional.empty();
        });
    }
}
