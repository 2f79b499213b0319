package dev.slate.serving.model.parse;

import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read with positions: values by key, unknown and duplicate keys reported with the
 * line they are on.
 */
final class YamlMap {
    private final String file;
    private final Problems problems;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, ScalarNode> keys = new HashMap<>();
    private final SourceLocation location;

    private YamlMap(String file, MappingNode node, SourceLocation location, Problems problems, String what) {
        this.file = file;
        this.problems = problems;
        this.location = location;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || key.getTag().equals(Tag.NULL)) {
                problems.add(
                        locate(file, tuple.getKeyNode()),
                        ErrorCode.INVALID_VALUE,
                        "a key in " + what + " must be a plain name");
                continue;
            }
            String name = key.getValue();
            if (values.containsKey(name)) {
                problems.add(
                        locate(file, key),
                        ErrorCode.DUPLICATE_NAME,
                        "'" + name + "' appears twice in " + what + " (first at line "
                                + (keys.get(name).getStartMark().getLine() + 1) + ")");
                continue;
            }
            values.put(name, tuple.getValueNode());
            keys.put(name, key);
        }
    }

    /** The mapping at {@code node}, or empty (and a problem) when the node is something else. */
    static Optional<YamlMap> of(String file, Node node, Problems problems, String what) {
        if (node instanceof MappingNode m) {
            return Optional.of(new YamlMap(file, m, locate(file, m), problems, what));
        }
        if (isNull(node)) {
            MappingNode empty = new MappingNode(Tag.MAP, List.of(), FlowStyle.AUTO);
            return Optional.of(new YamlMap(file, empty, locate(file, node), problems, what));
        }
        problems.add(
                locate(file, node),
                ErrorCode.INVALID_VALUE,
                what + " must be a mapping (key: value lines), not " + describe(node));
        return Optional.empty();
    }

    static SourceLocation locate(String file, Node node) {
        if (node == null) {
            return SourceLocation.of(file);
        }
        return locate(file, node.getStartMark());
    }

    static SourceLocation locate(String file, Mark mark) {
        return mark == null
                ? SourceLocation.of(file)
                : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        return switch (node) {
            case MappingNode ignored -> "a mapping";
            case SequenceNode ignored -> "a list";
            case ScalarNode s when isNull(s) -> "empty";
            case ScalarNode s -> "'" + abbreviate(s.getValue()) + "'";
            default -> "a " + node.getNodeId();
        };
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
    }

    String file() {
        return file;
    }

    /** Where the mapping starts. */
    SourceLocation location() {
        return location;
    }

    List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Optional<Node> node(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Where the key is written (or the mapping, when the key is absent). */
    SourceLocation keyLocation(String key) {
        ScalarNode k = keys.get(key);
        return k == null ? location : locate(file, k);
    }

    /** Where the value of the key is written (or the key, when the value is empty). */
    SourceLocation valueLocation(String key) {
        Node v = values.get(key);
        return v == null || isNull(v) && v.getStartMark() == null ? keyLocation(key) : locate(file, v);
    }

    /** Reports every key not in {@code allowed} (with a suggestion). */
    void rejectUnknown(Set<String> allowed, String what) {
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                problems.add(
                        keyLocation(key),
                        ErrorCode.UNKNOWN_FIELD,
                        "unknown key '" + key + "' in " + what + Suggestions.didYouMean(key, allowed) + " (known keys: "
                                + String.join(", ", sorted(allowed)) + ")");
            }
        }
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }

    /** A scalar value as text; empty when absent or empty; a problem when it is a list or mapping. */
    Optional<String> scalar(String key, String what) {
        Node v = values.get(key);
        if (v == null || isNull(v)) {
            return Optional.empty();
        }
        if (v instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        problems.add(locate(file, v), ErrorCode.INVALID_VALUE, what + " must be a single value, not " + describe(v));
        return Optional.empty();
    }

    /** A required scalar value: MISSING_FIELD when absent or empty. */
    Optional<String> required(String key, String what) {
        Node v = values.get(key);
        if (v == null) {
            problems.add(location, ErrorCode.MISSING_FIELD, what + " has no '" + key + "'");
            return Optional.empty();
        }
        if (isNull(v)) {
            problems.add(keyLocation(key), ErrorCode.MISSING_FIELD, "'" + key + "' of " + what + " is empty");
            return Optional.empty();
        }
        Optional<String> s = scalar(key, "'" + key + "' of " + what);
        if (s.isPresent() && s.get().isBlank()) {
            problems.add(valueLocation(key), ErrorCode.MISSING_FIELD, "'" + key + "' of " + what + " is empty");
            return Optional.empty();
        }
        return s;
    }

    /** A boolean value; a problem when it is anything but true or false. */
    Optional<Boolean> bool(String key, String what) {
        Node v = values.get(key);
        if (v == null || isNull(v)) {
            return Optional.empty();
        }
        if (v instanceof ScalarNode s
                && (s.getValue().equals("true") || s.getValue().equals("false"))) {
            return Optional.of(Boolean.parseBoolean(s.getValue()));
        }
        problems.add(locate(file, v), ErrorCode.INVALID_VALUE, what + " must be true or false, not " + describe(v));
        return Optional.empty();
    }

    /** A list of scalar values (a single scalar counts as a list of one); problems for nested values. */
    Optional<List<ScalarNode>> scalarList(String key, String what) {
        Node v = values.get(key);
        if (v == null || isNull(v)) {
            return Optional.empty();
        }
        if (v instanceof ScalarNode s) {
            return Optional.of(List.of(s));
        }
        if (!(v instanceof SequenceNode seq)) {
            problems.add(
                    locate(file, v), ErrorCode.INVALID_VALUE, what + " must be a list of names, not " + describe(v));
            return Optional.empty();
        }
        List<ScalarNode> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (item instanceof ScalarNode s && !isNull(s)) {
                out.add(s);
            } else {
                problems.add(
                        locate(file, item),
                        ErrorCode.INVALID_VALUE,
                        "each entry of " + what + " must be a single name, not " + describe(item));
            }
        }
        return Optional.of(out);
    }
}
