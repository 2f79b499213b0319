package dev.slate.serving.model.compile;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.FeatureTypes;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.cel.CelEnvironment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.serving.model.spec.AggregateSpec;
import dev.slate.serving.model.spec.FeatureSpec;
import dev.slate.serving.model.spec.RelationSpec;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds relationships ({@code has_one}, {@code has_many}) and windowed aggregations: related entities and
 * foreign-key features exist and their types agree, aggregations run over a {@code has_many} relation with a
 * datetime event time, a numeric input where the function needs one, a {@code where} that reads only the
 * related row, and buckets that divide every window. Every problem is reported with file and line.
 */
final class RelationBinder {
    private static final Pattern UNKNOWN_NAME = Pattern.compile("unknown feature '([^']*)'");

    private final Map<String, EntityScope> entities;
    private final Map<String, EntityNode> entityNodes;
    private final Map<String, BoundResolver> resolvers;
    private final Problems problems;

    RelationBinder(
            Map<String, EntityScope> entities,
            Map<String, EntityNode> entityNodes,
            Map<String, BoundResolver> resolvers,
            Problems problems) {
        this.entities = entities;
        this.entityNodes = entityNodes;
        this.resolvers = resolvers;
        this.problems = problems;
    }

    // ---- relations ----

    Map<FeatureId, RelationNode> relations() {
        Map<FeatureId, RelationNode> out = new LinkedHashMap<>();
        for (EntityScope scope : entities.values()) {
            for (RelationSpec r : scope.spec().relations()) {
                bind(scope, r).ifPresent(node -> out.put(node.id(), node));
            }
        }
        return out;
    }

    private Optional<RelationNode> bind(EntityScope scope, RelationSpec r) {
        String what = r.kind().spelling() + " relation " + r.entity() + "." + r.name();
        EntityScope target = entities.get(r.target());
        if (target == null) {
            problems.add(
                    r.targetLocation(),
                    ErrorCode.UNKNOWN_ENTITY,
                    what + " names entity '" + r.target() + "', which the project does not declare"
                            + Suggestions.didYouMean(r.target(), entities.keySet()) + "; declared entities: "
                            + String.join(", ", entities.keySet()));
            return Optional.empty();
        }
        EntityScope holderScope = r.kind() == RelationSpec.Kind.HAS_ONE ? scope : target;
        EntityScope referencedScope = r.kind() == RelationSpec.Kind.HAS_ONE ? target : scope;
        List<FeatureId> holders = new ArrayList<>();
        List<FeatureId> referenced = new ArrayList<>();
        boolean ok = true;
        for (RelationSpec.ForeignKey fk : r.foreignKey()) {
            Optional<String> ref = fk.referenced().or(referencedScope::key);
            if (ref.isEmpty()) {
                problems.add(
                        r.foreignKeyLocation(),
                        ErrorCode.INVALID_KEY,
                        what + ": entity " + referencedScope.name()
                                + " has no key; write foreign_key as a mapping {holder: referenced feature}");
                ok = false;
                continue;
            }
            FeatureSpec holder = usable(holderScope, fk.holder(), r.foreignKeyLocation(), what, "foreign key");
            FeatureSpec referencedFeature =
                    usable(referencedScope, ref.get(), r.foreignKeyLocation(), what, "referenced feature");
            if (holder == null || referencedFeature == null) {
                ok = false;
                continue;
            }
            if (holder.type().isPresent()
                    && referencedFeature.type().isPresent()
                    && !holder.type().equals(referencedFeature.type())) {
                problems.add(
                        r.foreignKeyLocation(),
                        ErrorCode.INVALID_VALUE,
                        what + ": foreign key " + holderScope.name() + "." + fk.holder()
                                + " is " + FeatureTypes.spelling(holder.type().get()) + " but " + referencedScope.name()
                                + "." + ref.get() + " is "
                                + FeatureTypes.spelling(referencedFeature.type().get())
                                + "; the two must have the same type");
                ok = false;
                continue;
            }
            holders.add(new FeatureId(holderScope.name(), fk.holder()));
            referenced.add(new FeatureId(referencedScope.name(), ref.get()));
        }
        if (!ok) {
            return Optional.empty();
        }
        if (r.required() && r.kind() == RelationSpec.Kind.HAS_MANY) {
            problems.add(
                    r.location(),
                    ErrorCode.INVALID_VALUE,
                    what + ": required applies to has_one relations only (an empty has_many is no error)");
            return Optional.empty();
        }
        Optional<String> rows = Optional.empty();
        if (r.kind() == RelationSpec.Kind.HAS_MANY) {
            rows = resolvers.values().stream()
                    .filter(b -> b.toNode().many()
                            && b.entity().equals(target.name())
                            && Set.copyOf(b.parameters()).equals(Set.copyOf(holders)))
                    .map(BoundResolver::name)
                    .findFirst();
        }
        return Optional.of(new RelationNode(
                new FeatureId(r.entity(), r.name()),
                r.kind(),
                r.target(),
                holders,
                referenced,
                r.limit(),
                r.required(),
                rows,
                r.location()));
    }

    private FeatureSpec usable(EntityScope scope, String name, SourceLocation at, String what, String role) {
        FeatureSpec f = scope.features().get(name);
        if (f == null || f.unsupported().isPresent()) {
            problems.add(
                    at,
                    ErrorCode.UNKNOWN_FEATURE,
                    what + ": " + role + " '" + name + "' is no feature of entity " + scope.name()
                            + Suggestions.didYouMean(name, scope.usableNames()));
            return null;
        }
        return f;
    }

    // ---- aggregations ----

    /** Binds every aggregation; {@code relations} are the relations bound without problems. */
    List<AggregationNode> aggregations(Map<FeatureId, RelationNode> relations) {
        List<AggregationNode> out = new ArrayList<>();
        for (EntityScope scope : entities.values()) {
            for (AggregateSpec a : scope.spec().aggregates()) {
                bind(scope, a, relations).ifPresent(out::add);
            }
        }
        return out;
    }

    private Optional<AggregationNode> bind(EntityScope scope, AggregateSpec a, Map<FeatureId, RelationNode> relations) {
        String what = "aggregation " + a.entity() + "." + a.name();
        Optional<AggregateFunction> function = AggregateFunction.parse(a.function());
        if (function.isEmpty()) {
            problems.add(
                    a.functionLocation(),
                    ErrorCode.UNKNOWN_TYPE,
                    "unknown aggregate function '" + a.function() + "' of " + what
                            + Suggestions.didYouMean(a.function(), AggregateFunction.spellings()) + "; known: "
                            + String.join(", ", AggregateFunction.spellings()));
            return Optional.empty();
        }
        AggregateFunction fn = function.get();
        FeatureSpec overSpec = scope.features().get(a.over());
        RelationNode relation = relations.get(new FeatureId(a.entity(), a.over()));
        if (overSpec == null
                || !FeatureSpec.RELATION.equals(overSpec.unsupported().orElse(""))) {
            List<String> manyNames = scope.spec().relations().stream()
                    .filter(r -> r.kind() == RelationSpec.Kind.HAS_MANY)
                    .map(RelationSpec::name)
                    .toList();
            problems.add(
                    a.overLocation(),
                    ErrorCode.UNKNOWN_FEATURE,
                    what + ": over names '" + a.over() + "', which is no relation of entity "
                            + a.entity() + Suggestions.didYouMean(a.over(), manyNames)
                            + (manyNames.isEmpty()
                                    ? "; declare one, e.g. transactions: {has_many: transaction, foreign_key: user_id}"
                                    : "; has_many relations of " + a.entity() + ": " + String.join(", ", manyNames)));
            return Optional.empty();
        }
        if (relation == null) {
            return Optional.empty(); // the relation's own problem is reported
        }
        if (!relation.hasMany()) {
            problems.add(
                    a.overLocation(),
                    ErrorCode.INVALID_VALUE,
                    what + ": over names " + relation.id()
                            + ", a has_one relation; aggregations run over has_many relations");
            return Optional.empty();
        }
        EntityScope target = entities.get(relation.target());
        boolean ok = true;
        // of
        Optional<FeatureId> of = Optional.empty();
        FeatureType inputType = null;
        if (a.of().isPresent()) {
            String name = a.of().get();
            if (name.startsWith(a.over() + ".")) {
                name = name.substring(a.over().length() + 1);
            }
            FeatureSpec f = target.features().get(name);
            if (f == null || f.unsupported().isPresent()) {
                problems.add(
                        a.ofLocation(),
                        ErrorCode.UNKNOWN_FEATURE,
                        what + ": of names '" + a.of().get() + "', which is no feature of the related entity "
                                + target.name() + Suggestions.didYouMean(name, target.usableNames()));
                ok = false;
            } else {
                of = Optional.of(new FeatureId(target.name(), name));
                inputType = f.type().orElse(null);
                if (fn.input() == AggregateFunction.Input.NUMBER
                        && inputType != null
                        && inputType != FeatureType.Scalar.INT
                        && inputType != FeatureType.Scalar.FLOAT) {
                    problems.add(
                            a.ofLocation(),
                            ErrorCode.INVALID_VALUE,
                            what + ": " + fn.spelling() + " needs a number, but " + of.get() + " is "
                                    + FeatureTypes.spelling(inputType) + "; aggregate an int or float feature");
                    ok = false;
                } else if (inputType instanceof FeatureType.ListOf) {
                    problems.add(
                            a.ofLocation(),
                            ErrorCode.INVALID_VALUE,
                            what + ": " + of.get() + " is a list; aggregations read scalar features");
                    ok = false;
                }
            }
        } else if (fn.input() != AggregateFunction.Input.NONE) {
            problems.add(
                    a.functionLocation(),
                    ErrorCode.MISSING_FIELD,
                    what + ": " + fn.spelling() + " needs 'of' (the related feature to aggregate, e.g. of: amount)");
            ok = false;
        }
        if (fn == AggregateFunction.COUNT && a.of().isPresent()) {
            problems.add(
                    a.ofLocation(),
                    ErrorCode.INVALID_VALUE,
                    what + ": count counts rows and takes no 'of'; use count_distinct to count values");
            ok = false;
        }
        // time
        Optional<String> timeName = a.time().or(() -> target.spec().time());
        FeatureId time = null;
        if (timeName.isEmpty()) {
            problems.add(
                    a.location(),
                    ErrorCode.MISSING_FIELD,
                    what + ": the related entity " + target.name() + " names no event time; set time: on entity "
                            + target.name() + " (e.g. time: ts) or on the aggregation");
            ok = false;
        } else {
            SourceLocation at =
                    a.time().isPresent() ? a.timeLocation() : target.spec().timeLocation();
            FeatureSpec t = target.features().get(timeName.get());
            if (t == null || t.unsupported().isPresent()) {
                problems.add(
                        at,
                        ErrorCode.UNKNOWN_FEATURE,
                        what + ": event time '" + timeName.get() + "' is no feature of entity " + target.name()
                                + Suggestions.didYouMean(timeName.get(), target.usableNames()));
                ok = false;
            } else if (t.type().isPresent() && t.type().get() != FeatureType.Scalar.DATETIME) {
                problems.add(
                        at,
                        ErrorCode.INVALID_VALUE,
                        what + ": event time " + target.name() + "." + timeName.get() + " is "
                                + FeatureTypes.spelling(t.type().get()) + "; it must be a datetime");
                ok = false;
            } else {
                time = new FeatureId(target.name(), timeName.get());
            }
        }
        // bucket
        if (a.bucket().isPresent()) {
            Duration bucket = a.bucket().get();
            List<String> undivided = a.windows().stream()
                    .filter(w -> w.toMillis() % bucket.toMillis() != 0)
                    .map(Durations::format)
                    .toList();
            if (!undivided.isEmpty()) {
                problems.add(
                        a.bucketLocation(),
                        ErrorCode.INVALID_VALUE,
                        what + ": bucket " + Durations.format(bucket) + " does not divide window "
                                + String.join(", ", undivided)
                                + "; a materialized window is a whole number of buckets");
                ok = false;
            }
        }
        if (a.percentile().isPresent() && fn != AggregateFunction.APPROX_PERCENTILE) {
            problems.add(
                    a.location(), ErrorCode.INVALID_VALUE, what + ": percentile applies to approx_percentile only");
            ok = false;
        }
        // where
        Optional<Expression> where = Optional.empty();
        if (a.where().isPresent()) {
            Map<String, Optional<FeatureType>> variables = new LinkedHashMap<>();
            target.features().values().stream()
                    .filter(f -> f.unsupported().isEmpty())
                    .forEach(f -> variables.put(f.name(), f.type()));
            CelEnvironment env = new CelEnvironment(target.name(), variables);
            var text = a.where().get();
            CelEnvironment.Result result =
                    env.compile(new FeatureId(a.entity(), a.name()), text.text(), Optional.of(FeatureType.Scalar.BOOL));
            for (CelEnvironment.Issue issue : result.issues()) {
                String message = issue.message();
                Matcher m = UNKNOWN_NAME.matcher(message);
                if (issue.kind() == CelEnvironment.Issue.Kind.UNKNOWN_FEATURE
                        && m.find()
                        && scope.hasUsable(m.group(1))) {
                    message = "reads " + a.entity() + "." + m.group(1)
                            + " of the parent entity; a where sees only the related row (features of " + target.name()
                            + ")";
                }
                problems.add(
                        text.locate(issue.line() - 1, issue.column()),
                        issue.kind() == CelEnvironment.Issue.Kind.UNKNOWN_FEATURE
                                ? ErrorCode.UNKNOWN_FEATURE
                                : ErrorCode.BAD_EXPRESSION,
                        "where of " + what + ": " + message);
                ok = false;
            }
            where = result.expression().map(e -> e);
            if (a.bucket().isPresent() && where.isPresent() && where.get().mayReadNow()) {
                problems.add(
                        text.locate(0),
                        ErrorCode.INVALID_VALUE,
                        "where of " + what + " reads now, and the aggregation is materialized: a bucket's rows are"
                                + " filtered once, when they are stored (docs/specs/aggregations.md)");
                ok = false;
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        FeatureType type = resultType(fn, inputType);
        if (a.type().isPresent() && !a.type().get().equals(type)) {
            problems.add(
                    a.location(),
                    ErrorCode.INVALID_VALUE,
                    what + " is declared " + FeatureTypes.spelling(a.type().get()) + " but " + fn.spelling()
                            + (of.isPresent() ? " of " + of.get() : "") + " gives " + FeatureTypes.spelling(type));
            return Optional.empty();
        }
        return Optional.of(new AggregationNode(
                new FeatureId(a.entity(), a.name()),
                fn,
                relation,
                of,
                time,
                a.windows(),
                where,
                a.bucket(),
                a.percentile().orElse(0.5),
                type,
                a.location()));
    }

    /** The type of an aggregation's values. */
    static FeatureType resultType(AggregateFunction fn, FeatureType input) {
        return switch (fn) {
            case COUNT, COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> FeatureType.Scalar.INT;
            case MEAN, STDDEV, APPROX_PERCENTILE -> FeatureType.Scalar.FLOAT;
            case SUM, MIN, MAX, FIRST, LAST -> input == null ? FeatureType.Scalar.FLOAT : input;
        };
    }
}
