package dev.slate.serving.model.cel;

import static java.util.Objects.requireNonNull;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.FeatureTypes;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueConversionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A compiled CEL expression over features of one entity. The program is compiled once; each
 * evaluation reads only the inputs the evaluation actually touches, so a null input that a branch
 * does not need is no error. Thread-safe.
 */
public final class CelExpression implements Expression {
    private final FeatureId feature;
    private final String text;
    private final FeatureType resultType;
    private final List<FeatureId> dependencies;
    private final Map<String, Integer> indexByName;
    private final FeatureId[] inputs;
    private final UnaryOperator<Object>[] converters;
    private final Map<Long, String> identifierById;
    private final Map<String, List<Integer>> pathInputsByRelation;
    private final CelRuntime.Program program;
    private final Optional<RowCondition> condition;

    CelExpression(
            FeatureId feature,
            String text,
            FeatureType resultType,
            List<FeatureId> dependencies,
            Map<FeatureId, FeatureType> dependencyTypes,
            Map<Long, String> identifierById,
            Set<String> relations,
            CelRuntime.Program program,
            Optional<RowCondition> condition) {
        this.condition = requireNonNull(condition, "condition is null");
        this.feature = requireNonNull(feature, "feature is null");
        this.text = requireNonNull(text, "text is null");
        this.resultType = requireNonNull(resultType, "resultType is null");
        this.dependencies = List.copyOf(dependencies);
        this.identifierById = Map.copyOf(identifierById);
        this.program = requireNonNull(program, "program is null");
        this.inputs = dependencies.toArray(FeatureId[]::new);
        @SuppressWarnings("unchecked")
        UnaryOperator<Object>[] conv = new UnaryOperator[inputs.length];
        HashMap<String, Integer> index = new HashMap<>();
        HashMap<String, List<Integer>> paths = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            FeatureType type = dependencyTypes.get(inputs[i]);
            conv[i] = type == null ? UnaryOperator.identity() : CelValues.toCel(type);
            String name = inputs[i].name();
            int dot = name.indexOf('.');
            if (dot > 0 && relations.contains(name.substring(0, dot))) {
                paths.computeIfAbsent(name.substring(0, dot), k -> new ArrayList<>())
                        .add(i);
            } else {
                index.put(name, i);
            }
        }
        this.pathInputsByRelation = Map.copyOf(paths);
        this.converters = conv;
        this.indexByName = Map.copyOf(index);
    }

    /** The feature this expression computes. */
    public FeatureId feature() {
        return feature;
    }

    /** The type of the values it returns. */
    public FeatureType resultType() {
        return resultType;
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public List<FeatureId> dependencies() {
        return dependencies;
    }

    @Override
    public Optional<RowCondition> condition() {
        return condition;
    }

    @Override
    public Object evaluate(Function<FeatureId, Object> values, Instant now) throws ExpressionEvaluationException {
        requireNonNull(values, "values is null");
        requireNonNull(now, "now is null");
        Object result;
        try {
            result = program.eval(name -> lookup(name, values, now));
        } catch (CelEvaluationException e) {
            throw new ExpressionEvaluationException(e.getMessage(), e);
        } catch (ValueConversionException e) {
            throw new ExpressionEvaluationException("an input has the wrong type: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExpressionEvaluationException(
                    "evaluation failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        }
        if (result instanceof CelUnknownSet unknown) {
            throw ExpressionEvaluationException.nullInput(nullInputs(unknown));
        }
        try {
            return CelValues.fromCel(resultType, result);
        } catch (ValueConversionException e) {
            throw new ExpressionEvaluationException(
                    "the result does not fit " + feature + " (" + FeatureTypes.spelling(resultType) + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private Optional<Object> lookup(String name, Function<FeatureId, Object> values, Instant now) {
        Integer i = indexByName.get(name);
        if (i == null) {
            List<Integer> paths = pathInputsByRelation.get(name);
            if (paths != null) {
                return Optional.of(related(name, paths, values));
            }
            return "now".equals(name) ? Optional.of(now) : Optional.empty();
        }
        Object v = values.apply(inputs[i]);
        return v == null ? Optional.empty() : Optional.of(converters[i].apply(v));
    }

    /**
     * The fields of relation {@code name} that the expression reads, as nested maps ({@code user.account.balance}
     * gives {@code {account: {balance: v}}}); a null value is left out, so {@code has(user.age)} tells it apart.
     */
    private Map<String, Object> related(String name, List<Integer> paths, Function<FeatureId, Object> values) {
        Map<String, Object> root = new HashMap<>();
        for (int p : paths) {
            Object v = values.apply(inputs[p]);
            if (v == null) {
                continue;
            }
            String[] parts = inputs[p].name().substring(name.length() + 1).split("\\.");
            Map<String, Object> m = root;
            for (int k = 0; k < parts.length - 1; k++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next =
                        (Map<String, Object>) m.computeIfAbsent(parts[k], x -> new HashMap<String, Object>());
                m = next;
            }
            m.put(parts[parts.length - 1], converters[p].apply(v));
        }
        return root;
    }

    private String nullInputs(CelUnknownSet unknown) {
        TreeSet<String> names = new TreeSet<>();
        for (Long id : unknown.unknownExprIds()) {
            String name = identifierById.get(id);
            if (name != null) {
                names.add(name.equals("now") ? "now" : feature.entity() + "." + name);
            }
        }
        if (names.isEmpty()) {
            return "an input of " + feature + " is null";
        }
        return (names.size() == 1 ? "input " : "inputs ")
                + String.join(", ", names)
                + (names.size() == 1 ? " is null" : " are null");
    }

    @Override
    public String toString() {
        return feature + " = " + text;
    }
}
