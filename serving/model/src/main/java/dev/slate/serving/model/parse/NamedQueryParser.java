package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.NamedQuerySpec;
import dev.slate.serving.model.spec.ResolverSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code named_queries:} (docs/specs/project-format.md, "Named queries"): a list of entries with a name, a
 * version, inputs, outputs and optional staleness, owner, tags and description. Feature names are bound
 * later, by the compiler.
 */
final class NamedQueryParser {
    static final Set<String> KEYS =
            Set.of("name", "version", "inputs", "outputs", "staleness", "owner", "tags", "description");

    private final String file;
    private final Problems problems;

    NamedQueryParser(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    List<NamedQuerySpec> parse(Node node) {
        List<NamedQuerySpec> out = new ArrayList<>();
        if (YamlMap.isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.add(
                    YamlMap.locate(file, node),
                    ErrorCode.INVALID_VALUE,
                    "named_queries must be a list (each entry starting with '- name: ...'), not "
                            + YamlMap.describe(node));
            return out;
        }
        for (Node item : seq.getValue()) {
            YamlMap.of(file, item, problems, "a named query")
                    .flatMap(this::query)
                    .ifPresent(out::add);
        }
        return out;
    }

    private Optional<NamedQuerySpec> query(YamlMap m) {
        Optional<String> name = m.required("name", "a named query");
        String what = "named query '" + name.orElse("?") + "'";
        m.rejectUnknown(KEYS, what);
        name.ifPresent(n -> Names.checkResourceName(n, "named query")
                .ifPresent(msg -> problems.add(m.valueLocation("name"), ErrorCode.INVALID_NAME, msg)));
        int version = 1;
        Optional<String> v = m.scalar("version", "version of " + what);
        if (v.isPresent()) {
            try {
                version = Integer.parseInt(v.get().strip());
            } catch (NumberFormatException e) {
                version = 0;
            }
            if (version < 1) {
                problems.add(
                        m.valueLocation("version"),
                        ErrorCode.INVALID_VALUE,
                        "version of " + what + " must be a whole number from 1, not '" + v.get() + "'");
                version = 1;
            }
        }
        List<ResolverSpec.Named> inputs = names(m, "inputs", what);
        List<ResolverSpec.Named> outputs = names(m, "outputs", what);
        Map<ResolverSpec.Named, Duration> staleness = staleness(m, what, outputs);
        Optional<String> owner = m.scalar("owner", "owner of " + what);
        Set<String> tags = new LinkedHashSet<>();
        m.scalarList("tags", "tags of " + what)
                .ifPresent(l -> l.forEach(s -> tags.add(s.getValue().strip())));
        Optional<String> description = m.scalar("description", "description of " + what);
        if (name.isEmpty() || inputs.isEmpty() || outputs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NamedQuerySpec(
                name.get(), version, inputs, outputs, staleness, owner, tags, description, m.location()));
    }

    private List<ResolverSpec.Named> names(YamlMap m, String key, String what) {
        List<ResolverSpec.Named> out = new ArrayList<>();
        if (!m.has(key)) {
            problems.add(
                    m.location(),
                    ErrorCode.MISSING_FIELD,
                    what + " has no '" + key + "' (a list of features such as user.id)");
            return out;
        }
        m.scalarList(key, key + " of " + what)
                .ifPresent(list -> list.forEach(
                        s -> out.add(new ResolverSpec.Named(s.getValue().strip(), YamlMap.locate(file, s)))));
        if (out.isEmpty()) {
            problems.add(m.keyLocation(key), ErrorCode.MISSING_FIELD, "'" + key + "' of " + what + " is empty");
        }
        return out;
    }

    /** {@code staleness: 5m} (every output) or {@code staleness: {user.credit_limit: 0s}}. */
    private Map<ResolverSpec.Named, Duration> staleness(YamlMap m, String what, List<ResolverSpec.Named> outputs) {
        Map<ResolverSpec.Named, Duration> out = new LinkedHashMap<>();
        Optional<Node> node = m.node("staleness");
        if (node.isEmpty() || YamlMap.isNull(node.get())) {
            return out;
        }
        if (node.get() instanceof ScalarNode s) {
            duration(s.getValue(), YamlMap.locate(file, s), "staleness of " + what)
                    .ifPresent(d -> outputs.forEach(o -> out.put(o, d)));
            return out;
        }
        if (!(node.get() instanceof MappingNode)) {
            problems.add(
                    m.valueLocation("staleness"),
                    ErrorCode.INVALID_VALUE,
                    "staleness of " + what
                            + " must be a duration (every output) or a mapping of features to durations, not "
                            + YamlMap.describe(node.get()));
            return out;
        }
        YamlMap map =
                YamlMap.of(file, node.get(), problems, "staleness of " + what).orElseThrow();
        for (String feature : map.keys()) {
            map.scalar(feature, "staleness of " + feature + " in " + what)
                    .flatMap(text ->
                            duration(text, map.valueLocation(feature), "staleness of " + feature + " in " + what))
                    .ifPresent(d -> out.put(new ResolverSpec.Named(feature, map.keyLocation(feature)), d));
        }
        return out;
    }

    private Optional<Duration> duration(String text, SourceLocation at, String what) {
        try {
            return Optional.of(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            problems.add(at, ErrorCode.BAD_DURATION, what + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
