package dev.slate.serving.model.compile;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.HttpCall;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SecretReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Binds an HTTP resolver: its entity ({@code resolves}, or the entity its qualified names share), the
 * features its templates name (its parameters, in order of first use) and the features its JSON pointers
 * fill. A placeholder that names no feature of the entity is {@code UNKNOWN_FEATURE} at its line and column.
 */
final class HttpResolverBinder {
    private final Map<String, EntityScope> entities;
    private final Problems problems;

    HttpResolverBinder(Map<String, EntityScope> entities, Problems problems) {
        this.entities = entities;
        this.problems = problems;
    }

    /** A piece of template text before binding. */
    private sealed interface Token {
        record Literal(String text) implements Token {}

        record Placeholder(String name, SourceLocation location) implements Token {}

        record Secret(String reference) implements Token {}
    }

    Optional<BoundResolver> bind(ResolverSpec.Http spec) {
        String what = "resolver '" + spec.name() + "'";
        boolean ok = true;
        List<Token> url = lex(spec.url(), "url of " + what);
        Map<String, List<Token>> headers = new LinkedHashMap<>();
        for (ResolverSpec.Http.Header h : spec.headers()) {
            headers.put(h.name(), lex(h.value(), "header '" + h.name() + "' of " + what));
        }
        Optional<List<Token>> body = spec.body().map(b -> lex(b, "body of " + what));
        if (url == null || headers.containsValue(null) || body.isPresent() && body.get() == null) {
            return Optional.empty(); // reported
        }
        List<Token.Placeholder> placeholders = new ArrayList<>();
        collect(url, placeholders);
        headers.values().forEach(t -> collect(t, placeholders));
        body.ifPresent(t -> collect(t, placeholders));

        Optional<EntityScope> entity = entity(spec, placeholders, what);
        if (entity.isEmpty()) {
            return Optional.empty();
        }
        EntityScope scope = entity.get();
        Map<String, Integer> parameterIndex = new LinkedHashMap<>();
        List<FeatureId> parameters = new ArrayList<>();
        for (Token.Placeholder p : placeholders) {
            Optional<String> feature =
                    featureOf(p.name(), scope, p.location(), what + ": placeholder {{" + p.name() + "}}");
            if (feature.isEmpty()) {
                ok = false;
                continue;
            }
            if (!parameterIndex.containsKey(feature.get())) {
                parameterIndex.put(feature.get(), parameters.size());
                parameters.add(new FeatureId(scope.name(), feature.get()));
            }
        }

        List<ResolverNode.Output> outputs = new ArrayList<>();
        Map<FeatureId, SourceLocation> outputLocations = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ResolverSpec.Http.PointerOutput o : spec.outputs()) {
            String where = what + ": output '" + o.feature().name() + "'";
            Optional<String> feature =
                    featureOf(o.feature().name(), scope, o.feature().location(), where);
            if (feature.isEmpty()) {
                ok = false;
                continue;
            }
            if (!seen.add(feature.get())) {
                problems.add(o.feature().location(), ErrorCode.DUPLICATE_NAME, where + " is listed twice");
                ok = false;
                continue;
            }
            if (scope.key().filter(feature.get()::equals).isPresent() || parameterIndex.containsKey(feature.get())) {
                problems.add(
                        o.feature().location(),
                        ErrorCode.INVALID_VALUE,
                        where + " is an input of the request (the key or a placeholder);"
                                + " a resolver cannot fill what it reads");
                ok = false;
                continue;
            }
            FeatureId id = new FeatureId(scope.name(), feature.get());
            outputs.add(new ResolverNode.Output(o.pointer(), id));
            outputLocations.put(id, o.feature().location());
        }
        if (!ok || outputs.isEmpty()) {
            return Optional.empty();
        }
        HttpCall call = new HttpCall(
                spec.method(),
                template(spec.url().text(), url, parameterIndex, scope),
                headers.entrySet().stream()
                        .map(e -> new HttpCall.Header(
                                e.getKey(),
                                template(
                                        spec.headers().stream()
                                                .filter(h -> h.name().equals(e.getKey()))
                                                .findFirst()
                                                .orElseThrow()
                                                .value()
                                                .text(),
                                        e.getValue(),
                                        parameterIndex,
                                        scope)))
                        .toList(),
                body.map(t -> template(spec.body().orElseThrow().text(), t, parameterIndex, scope)),
                spec.policy());
        ResolverNode node = ResolverNode.http(spec.name(), scope.name(), parameters, outputs, spec.location(), call);
        return Optional.of(new BoundResolver(
                spec.name(), scope.name(), parameters, outputs, outputLocations, definition(spec), node));
    }

    /** Everything that defines the answer: method, templates as written, pointers (not the policy). */
    private static List<String> definition(ResolverSpec.Http spec) {
        List<String> parts = new ArrayList<>();
        parts.add("http");
        parts.add(spec.method());
        parts.add(spec.url().text());
        spec.headers().forEach(h -> parts.add(h.name() + ": " + h.value().text()));
        parts.add(spec.body().map(EmbeddedText::text).orElse(""));
        spec.outputs().forEach(o -> parts.add(o.feature().name() + " <- " + o.pointer()));
        return parts;
    }

    private static void collect(List<Token> tokens, List<Token.Placeholder> into) {
        for (Token t : tokens) {
            if (t instanceof Token.Placeholder p) {
                into.add(p);
            }
        }
    }

    private static HttpCall.Template template(
            String text, List<Token> tokens, Map<String, Integer> parameterIndex, EntityScope scope) {
        List<HttpCall.Part> parts = new ArrayList<>();
        for (Token t : tokens) {
            parts.add(
                    switch (t) {
                        case Token.Literal l -> new HttpCall.Part.Literal(l.text());
                        case Token.Secret s -> new HttpCall.Part.Secret(s.reference());
                        case Token.Placeholder p ->
                            new HttpCall.Part.Parameter(parameterIndex.get(plain(p.name(), scope)));
                    });
        }
        return new HttpCall.Template(text, parts);
    }

    private static String plain(String name, EntityScope scope) {
        String prefix = scope.name() + ".";
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    /** The feature of the entity a name (plain or {@code entity.feature}) denotes, or empty (reported). */
    private Optional<String> featureOf(String name, EntityScope scope, SourceLocation at, String where) {
        Optional<FeatureId> qualified = FeatureId.parse(name);
        if (qualified.isPresent() && !qualified.get().entity().equals(scope.name())) {
            problems.add(
                    at,
                    ErrorCode.UNKNOWN_FEATURE,
                    where + " names a feature of entity " + qualified.get().entity()
                            + "; an HTTP resolver reads and fills features of its own entity (" + scope.name() + ")");
            return Optional.empty();
        }
        String feature = qualified.map(FeatureId::name).orElse(name);
        if (!scope.hasUsable(feature)) {
            problems.add(
                    at,
                    ErrorCode.UNKNOWN_FEATURE,
                    where + ": '" + feature + "' is not a feature of entity " + scope.name()
                            + Suggestions.didYouMean(feature, scope.usableNames()));
            return Optional.empty();
        }
        return Optional.of(feature);
    }

    private Optional<EntityScope> entity(ResolverSpec.Http spec, List<Token.Placeholder> placeholders, String what) {
        if (spec.resolves().isPresent()) {
            String name = spec.resolves().get();
            EntityScope scope = entities.get(name);
            if (scope == null) {
                problems.add(
                        spec.resolvesLocation(),
                        ErrorCode.UNKNOWN_ENTITY,
                        what + " resolves entity '" + name
                                + "', which the project does not declare"
                                + Suggestions.didYouMean(name, entities.keySet())
                                + "; declared entities: " + String.join(", ", entities.keySet()));
            }
            return Optional.ofNullable(scope);
        }
        Set<String> named = new LinkedHashSet<>();
        spec.outputs().forEach(o -> FeatureId.parse(o.feature().name()).ifPresent(id -> named.add(id.entity())));
        placeholders.forEach(p -> FeatureId.parse(p.name()).ifPresent(id -> named.add(id.entity())));
        String first = named.isEmpty() ? null : named.iterator().next();
        if (first != null && entities.containsKey(first)) {
            return Optional.of(entities.get(first)); // names of other entities are reported as unknown features
        }
        problems.add(
                first == null
                        ? spec.location()
                        : spec.outputs().getFirst().feature().location(),
                ErrorCode.UNKNOWN_ENTITY,
                what
                        + (first == null
                                ? " does not say which entity it fills"
                                : " names entity '" + first + "', which the project does not declare"
                                        + Suggestions.didYouMean(first, entities.keySet()))
                        + "; add 'resolves: <entity>' or write outputs and placeholders as entity.feature");
        return Optional.empty();
    }

    /** The template's pieces, or null when it is malformed (reported at the place of the mistake). */
    private List<Token> lex(EmbeddedText text, String what) {
        String s = text.text();
        List<Token> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (i < s.length()) {
            if (s.startsWith("{{", i)) {
                int end = s.indexOf("}}", i + 2);
                if (end < 0) {
                    problems.add(text.locate(i), ErrorCode.INVALID_VALUE, what + ": '{{' without a closing '}}'");
                    return null;
                }
                String name = s.substring(i + 2, end).strip();
                if (name.isEmpty()) {
                    problems.add(
                            text.locate(i),
                            ErrorCode.INVALID_VALUE,
                            what + ": empty placeholder {{}}; write {{entity.feature}}");
                    ok = false;
                } else {
                    flush(literal, out);
                    out.add(new Token.Placeholder(
                            name, text.locate(i + 2 + (s.substring(i + 2, end).indexOf(name)))));
                }
                i = end + 2;
                continue;
            }
            if (s.startsWith("${", i)) {
                Matcher m = SecretReference.REFERENCE.matcher(s).region(i, s.length());
                if (!m.lookingAt()) {
                    problems.add(
                            text.locate(i),
                            ErrorCode.INVALID_VALUE,
                            what
                                    + ": '${' starts no valid reference; write ${secret:NAME} or ${env:NAME} (NAME: letters, digits, _ . -)");
                    return null;
                }
                flush(literal, out);
                out.add(new Token.Secret(m.group()));
                i = m.end();
                continue;
            }
            literal.append(s.charAt(i));
            i++;
        }
        flush(literal, out);
        return ok ? out : null;
    }

    private static void flush(StringBuilder literal, List<Token> out) {
        if (!literal.isEmpty()) {
            out.add(new Token.Literal(literal.toString()));
            literal.setLength(0);
        }
    }
}
