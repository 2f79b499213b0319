package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.AggregateSpec;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.RelationSpec;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the relationship ({@code has_one}, {@code has_many}) and windowed-aggregation
 * ({@code aggregate}) forms of a feature declaration. Names are checked later, by the compiler.
 */
final class RelationParser {
    static final Set<String> RELATION_KEYS =
            Set.of("has_one", "has_many", "foreign_key", "limit", "required", "description", "tags");
    static final Set<String> AGGREGATE_KEYS = Set.of(
            "type",
            "aggregate",
            "over",
            "of",
            "time",
            "windows",
            "where",
            "materialize",
            "percentile",
            "max_staleness",
            "description",
            "tags");
    static final int MAX_LIMIT = 100_000;

    private final String file;
    private final String[] rawLines;
    private final Problems problems;

    RelationParser(String file, String[] rawLines, Problems problems) {
        this.file = file;
        this.rawLines = rawLines;
        this.problems = problems;
    }

    static boolean isRelation(YamlMap m) {
        return m.has("has_one") || m.has("has_many");
    }

    Optional<RelationSpec> relation(String entity, String name, SourceLocation at, YamlMap m) {
        String what = "relation '" + entity + "." + name + "'";
        m.rejectUnknown(RELATION_KEYS, what);
        if (m.has("has_one") && m.has("has_many")) {
            problems.add(
                    m.keyLocation("has_many"),
                    ErrorCode.INVALID_VALUE,
                    what + " is both has_one and has_many; choose one");
            return Optional.empty();
        }
        RelationSpec.Kind kind = m.has("has_one") ? RelationSpec.Kind.HAS_ONE : RelationSpec.Kind.HAS_MANY;
        Optional<String> target = m.required(kind.spelling(), what);
        List<RelationSpec.ForeignKey> fk = new ArrayList<>();
        Node fkNode = m.node("foreign_key").orElse(null);
        if (fkNode == null) {
            problems.add(
                    at,
                    ErrorCode.MISSING_FIELD,
                    what + " has no 'foreign_key' (the feature that holds the reference, e.g. foreign_key: user_id)");
        } else if (fkNode instanceof ScalarNode s
                && !YamlMap.isNull(s)
                && !s.getValue().isBlank()) {
            fk.add(new RelationSpec.ForeignKey(s.getValue().strip(), Optional.empty()));
        } else if (fkNode instanceof MappingNode) {
            YamlMap.of(file, fkNode, problems, "foreign_key of " + what).ifPresent(map -> {
                for (String holder : map.keys()) {
                    map.scalar(holder, "foreign_key " + holder + " of " + what)
                            .ifPresent(ref ->
                                    fk.add(new RelationSpec.ForeignKey(holder.strip(), Optional.of(ref.strip()))));
                }
            });
            if (fk.isEmpty()) {
                problems.add(
                        m.valueLocation("foreign_key"),
                        ErrorCode.MISSING_FIELD,
                        "foreign_key of " + what + " is empty");
            }
        } else {
            problems.add(
                    m.valueLocation("foreign_key"),
                    ErrorCode.INVALID_VALUE,
                    "foreign_key of " + what + " must be a feature name or a mapping {holder: referenced, ...}, not "
                            + YamlMap.describe(fkNode));
        }
        int limit = RelationSpec.DEFAULT_LIMIT;
        if (m.has("limit")) {
            if (kind == RelationSpec.Kind.HAS_ONE) {
                problems.add(
                        m.keyLocation("limit"),
                        ErrorCode.INVALID_VALUE,
                        "limit of " + what + " applies to has_many relations only");
            }
            limit = m.scalar("limit", "limit of " + what)
                    .flatMap(v -> wholeNumber(v, m.valueLocation("limit"), "limit of " + what, MAX_LIMIT))
                    .orElse(RelationSpec.DEFAULT_LIMIT);
        }
        boolean required = m.bool("required", "required of " + what).orElse(false);
        Optional<String> description = m.scalar("description", "description of " + what);
        if (target.isEmpty() || fk.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RelationSpec(
                entity,
                name,
                kind,
                target.get().strip(),
                m.valueLocation(kind.spelling()),
                fk,
                m.valueLocation("foreign_key"),
                limit,
                required,
                description,
                at));
    }

    Optional<AggregateSpec> aggregate(String entity, String name, SourceLocation at, YamlMap m, Set<String> tags) {
        String what = "aggregation '" + entity + "." + name + "'";
        m.rejectUnknown(AGGREGATE_KEYS, what);
        Optional<String> function = m.required("aggregate", what).map(String::strip);
        Optional<String> over = m.required("over", what).map(String::strip);
        Optional<String> of = m.scalar("of", "of of " + what).map(String::strip);
        Optional<String> time = m.scalar("time", "time of " + what).map(String::strip);
        Optional<FeatureType> type = m.scalar("type", "type of " + what).flatMap(t -> {
            Optional<FeatureType> parsed = FeatureType.parse(t);
            if (parsed.isEmpty()) {
                problems.add(
                        m.valueLocation("type"),
                        ErrorCode.UNKNOWN_TYPE,
                        "unknown type '" + t + "' of " + what + "; known types: " + FeatureType.knownTypes());
            }
            return parsed;
        });
        List<Duration> windows = new ArrayList<>();
        if (!m.has("windows")) {
            problems.add(at, ErrorCode.MISSING_FIELD, what + " has no 'windows' (e.g. windows: [1h, 1d])");
        } else {
            m.scalarList("windows", "windows of " + what).ifPresent(list -> {
                Set<Duration> seen = new LinkedHashSet<>();
                for (ScalarNode s : list) {
                    SourceLocation wAt = YamlMap.locate(file, s);
                    try {
                        Duration d = Durations.parse(s.getValue());
                        if (d.isZero()) {
                            problems.add(wAt, ErrorCode.BAD_DURATION, "window of " + what + " must be more than 0s");
                        } else if (!seen.add(d)) {
                            problems.add(
                                    wAt,
                                    ErrorCode.DUPLICATE_NAME,
                                    "window " + s.getValue() + " of " + what + " is listed twice");
                        } else {
                            windows.add(d);
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(wAt, ErrorCode.BAD_DURATION, "window of " + what + ": " + e.getMessage());
                    }
                }
                if (list.isEmpty()) {
                    problems.add(
                            m.valueLocation("windows"), ErrorCode.MISSING_FIELD, "windows of " + what + " is empty");
                }
            });
        }
        Optional<EmbeddedText> where = Optional.empty();
        if (m.has("where")) {
            Node w = m.node("where").orElseThrow();
            if (w instanceof ScalarNode s && !YamlMap.isNull(s) && !s.getValue().isBlank()) {
                where = Optional.of(YamlText.embedded(file, rawLines, s));
            } else {
                problems.add(m.valueLocation("where"), ErrorCode.BAD_EXPRESSION, "where of " + what + " is empty");
            }
        }
        Optional<Duration> bucket = Optional.empty();
        SourceLocation bucketAt = m.keyLocation("materialize");
        if (m.has("materialize")) {
            Optional<YamlMap> mat =
                    YamlMap.of(file, m.node("materialize").orElseThrow(), problems, "materialize of " + what);
            if (mat.isPresent()) {
                mat.get().rejectUnknown(Set.of("bucket"), "materialize of " + what);
                bucketAt = mat.get().valueLocation("bucket");
                SourceLocation b = bucketAt;
                bucket = mat.get().required("bucket", "materialize of " + what).flatMap(text -> {
                    try {
                        Duration d = Durations.parse(text);
                        if (d.isZero()) {
                            problems.add(b, ErrorCode.BAD_DURATION, "bucket of " + what + " must be more than 0s");
                            return Optional.empty();
                        }
                        return Optional.of(d);
                    } catch (IllegalArgumentException e) {
                        problems.add(b, ErrorCode.BAD_DURATION, "bucket of " + what + ": " + e.getMessage());
                        return Optional.empty();
                    }
                });
            }
        }
        Optional<Double> percentile = m.scalar("percentile", "percentile of " + what)
                .flatMap(p -> {
                    try {
                        double v = Double.parseDouble(p.strip());
                        if (v >= 0.0 && v <= 1.0) {
                            return Optional.of(v);
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    problems.add(
                            m.valueLocation("percentile"),
                            ErrorCode.INVALID_VALUE,
                            "percentile of " + what + " must be a number from 0 to 1, not '" + p + "'");
                    return Optional.empty();
                });
        Optional<Duration> maxStaleness = m.scalar("max_staleness", "max_staleness of " + what)
                .flatMap(text -> {
                    try {
                        return Optional.of(Durations.parse(text));
                    } catch (IllegalArgumentException e) {
                        problems.add(
                                m.valueLocation("max_staleness"),
                                ErrorCode.BAD_DURATION,
                                "max_staleness of " + what + ": " + e.getMessage());
                        return Optional.empty();
                    }
                });
        Optional<String> description = m.scalar("description", "description of " + what);
        if (function.isEmpty() || over.isEmpty() || windows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AggregateSpec(
                entity,
                name,
                function.get(),
                m.valueLocation("aggregate"),
                over.get(),
                m.valueLocation("over"),
                of,
                m.valueLocation("of"),
                time,
                m.valueLocation("time"),
                windows,
                m.valueLocation("windows"),
                where,
                bucket,
                bucketAt,
                percentile,
                type,
                maxStaleness,
                tags,
                description,
                at));
    }

    private Optional<Integer> wholeNumber(String value, SourceLocation at, String what, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= max) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(
                at,
                ErrorCode.INVALID_VALUE,
                what + " must be a whole number from 1 to " + max + ", not '" + value + "'");
        return Optional.empty();
    }
}
