package dev.slate.model.cel;

import static java.util.Objects.requireNonNull;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.slate.model.FeatureId;
import dev.slate.model.graph.Expression;
import dev.slate.model.graph.ExpressionEvaluationException;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueConversionException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final CelRuntime.Program program;

    CelExpression(FeatureId feature, String text, FeatureType resultType, List<FeatureId> dependencies,
            Map<FeatureId, FeatureType> dependencyTypes, Map<Long, String> identifierById, CelRuntime.Program program) {
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
        for (int i = 0; i < inputs.length; i++) {
            FeatureType type = dependencyTypes.get(inputs[i]);
            conv[i] = type == null ? UnaryOperator.identity() : CelValues.toCel(type);
            index.put(inputs[i].name(), i);
        }
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
            throw new ExpressionEvaluationException("evaluation failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        if (result instanceof CelUnknownSet unknown) {
            throw new ExpressionEvaluationException(nullInputs(unknown), null);
        }
        try {
            return CelValues.fromCel(resultType, result);
        } catch (ValueConversionException e) {
            throw new ExpressionEvaluationException("the result does not fit " + feature + " (" + dev.slate.model.FeatureTypes.spelling(resultType) + "): " + e.getMessage(), e);
        }
    }

    private Optional<Object> lookup(String name, Function<FeatureId, Object> values, Instant now) {
        Integer i = indexByName.get(name);
        if (i == null) {
            return "now".equals(name) ? Optional.of(now) : Optional.empty();
        }
        Object v = values.apply(inputs[i]);
        return v == null ? Optional.empty() : Optional.of(converters[i].apply(v));
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
        return (names.size() == 1 ? "input " : "inputs ") + String.join(", ", names) + (names.size() == 1 ? " is null" : " are null");
    }

    @Override
    public String toString() {
        return feature + " = " + text;
    }
}
