package dev.slate.serving.model.cel;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.serving.model.graph.RowCondition.Comparison;
import dev.slate.serving.model.graph.RowCondition.Operator;
import dev.slate.storage.spi.FeatureType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises the expressions a database evaluates exactly as CEL does: a conjunction ({@code &&}) of comparisons
 * between a feature and a literal of the same type. Numbers take all six comparisons; strings and booleans only
 * {@code ==} and {@code !=} (a database orders strings by its collation, CEL by code point). Anything else (a
 * function call, {@code ||}, {@code now}, a relation path, an int compared with a double) is not a condition.
 * docs/specs/aggregations.md, "Online: pushdown".
 */
final class RowConditions {
    private RowConditions() {}

    static Optional<RowCondition> of(CelExpr root, String entity, Map<String, Optional<FeatureType>> features) {
        List<Comparison> out = new ArrayList<>();
        return collect(root, entity, features, out) ? Optional.of(new RowCondition(out)) : Optional.empty();
    }

    private static boolean collect(
            CelExpr expr, String entity, Map<String, Optional<FeatureType>> features, List<Comparison> out) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.CALL || expr.call().target().isPresent()) {
            return false;
        }
        String function = expr.call().function();
        List<CelExpr> args = expr.call().args();
        if (function.equals("_&&_")) {
            for (CelExpr a : args) {
                if (!collect(a, entity, features, out)) {
                    return false;
                }
            }
            return true;
        }
        Operator operator = operator(function);
        if (operator == null || args.size() != 2) {
            return false;
        }
        CelExpr left = args.get(0);
        CelExpr right = args.get(1);
        if (left.getKind() == CelExpr.ExprKind.Kind.CONSTANT && right.getKind() == CelExpr.ExprKind.Kind.IDENT) {
            return comparison(right, operator.mirrored(), left, entity, features, out);
        }
        return comparison(left, operator, right, entity, features, out);
    }

    private static boolean comparison(
            CelExpr feature,
            Operator operator,
            CelExpr literal,
            String entity,
            Map<String, Optional<FeatureType>> features,
            List<Comparison> out) {
        if (feature.getKind() != CelExpr.ExprKind.Kind.IDENT || literal.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return false;
        }
        Optional<FeatureType> declared = features.getOrDefault(feature.ident().name(), Optional.empty());
        if (declared.isEmpty() || !(declared.get() instanceof FeatureType.Scalar type)) {
            return false;
        }
        CelConstant c = literal.constant();
        Object value;
        boolean ordered;
        switch (c.getKind()) {
            case INT64_VALUE -> {
                value = c.int64Value();
                ordered = true;
                if (type != FeatureType.Scalar.INT) {
                    return false;
                }
            }
            case DOUBLE_VALUE -> {
                value = c.doubleValue();
                ordered = true;
                if (type != FeatureType.Scalar.FLOAT || Double.isNaN((Double) value)) {
                    return false;
                }
            }
            case STRING_VALUE -> {
                value = c.stringValue();
                ordered = false;
                if (type != FeatureType.Scalar.STRING) {
                    return false;
                }
            }
            case BOOLEAN_VALUE -> {
                value = c.booleanValue();
                ordered = false;
                if (type != FeatureType.Scalar.BOOL) {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        if (!ordered && operator != Operator.EQUAL && operator != Operator.NOT_EQUAL) {
            return false;
        }
        out.add(new Comparison(new FeatureId(entity, feature.ident().name()), type, operator, value));
        return true;
    }

    private static Operator operator(String function) {
        return switch (function) {
            case "_<_" -> Operator.LESS;
            case "_<=_" -> Operator.LESS_OR_EQUAL;
            case "_>_" -> Operator.GREATER;
            case "_>=_" -> Operator.GREATER_OR_EQUAL;
            case "_==_" -> Operator.EQUAL;
            case "_!=_" -> Operator.NOT_EQUAL;
            default -> null;
        };
    }
}
