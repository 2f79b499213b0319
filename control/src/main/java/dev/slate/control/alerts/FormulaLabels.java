package dev.slate.control.alerts;

import dev.slate.serving.model.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the label values of a formula's selectors that name project objects (docs/alerts.md, "Formulas"): a
 * {@code feature} of a {@code slate_feature_*} series must be a feature of the deployment, and a {@code reference}
 * one of the environment's reference datasets with values of that feature. {@code other} (the overflow label value)
 * is always allowed.
 *
 * @param features the features to check against; empty: not checked
 * @param references reference name to the features it has values of
 */
public record FormulaLabels(Optional<Set<String>> features, Map<String, Set<String>> references) {

    /** Checks nothing. */
    public static final FormulaLabels NONE = new FormulaLabels(Optional.empty(), Map.of());

    static final String OTHER = "other";

    public FormulaLabels {
        features = features.map(Set::copyOf);
        references = Map.copyOf(references);
    }

    /** What is wrong with the formula's labels, one message each. */
    List<String> problems(AlertFormula formula, String environment) {
        List<String> problems = new ArrayList<>();
        for (AlertFormula.Selector s : formula.selectors()) {
            if (!s.metric().startsWith("slate_feature_")) {
                continue;
            }
            String feature = s.labels().get("feature");
            if (feature != null
                    && !OTHER.equals(feature)
                    && features.isPresent()
                    && !features.get().contains(feature)) {
                problems.add(Suggestions.unknown("feature", feature, features.get()) + " in " + s.metric()
                        + (features.get().isEmpty()
                                ? "; environment " + environment + " has no active deployment"
                                : "; the deployment of environment " + environment + " has no such feature"));
            }
            String reference = s.labels().get("reference");
            if (reference != null && (features.isPresent() || !references.isEmpty())) {
                Set<String> of = references.get(reference);
                if (of == null) {
                    problems.add(Suggestions.unknown("reference", reference, references.keySet()) + " in " + s.metric()
                            + "; create it with POST /v1/monitoring/references");
                } else if (feature != null && !of.contains(feature)) {
                    problems.add("reference '" + reference + "' has no values of " + feature + " (it has "
                            + String.join(", ", of) + ")");
                }
            }
        }
        return problems;
    }
}
