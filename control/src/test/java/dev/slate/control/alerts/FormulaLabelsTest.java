package dev.slate.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.error.SlateException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Feature and reference labels of alert formulas are checked (docs/alerts.md, "Formulas"); built-in rules. */
class FormulaLabelsTest {

    private static final Set<String> METRICS =
            Set.of("slate_feature_null_ratio", "slate_feature_psi", "slate_usage_outbox_backlog");
    private static final FormulaLabels LABELS =
            new FormulaLabels(Optional.of(Set.of("user.age", "user.country")), Map.of("train", Set.of("user.age")));

    private static AlertRule rule(String formula) {
        return AlertRules.rule(
                "prod",
                "r",
                new AlertRules.RuleRequest(formula, ">", 0.1, "0s", null, "team", List.of(), null),
                METRICS,
                Set.of(),
                LABELS);
    }

    @Test
    void knownFeaturesAndReferencesPass() {
        assertThat(rule("slate_feature_null_ratio{feature=\"user.age\"}").name())
                .isEqualTo("r");
        assertThat(rule("slate_feature_psi{feature=\"user.age\",reference=\"train\"} + 1")
                        .formula()
                        .selectors())
                .hasSize(1);
        assertThat(rule("slate_feature_null_ratio{feature=\"other\"}").name()).isEqualTo("r");
    }

    @Test
    void anUnknownFeatureIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> rule("slate_feature_null_ratio{feature=\"user.ag\"}"))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("unknown feature 'user.ag' (did you mean 'user.age'?)");
    }

    @Test
    void anUnknownReferenceOrOneWithoutTheFeatureIsRefused() {
        assertThatThrownBy(() -> rule("slate_feature_psi{feature=\"user.age\",reference=\"trian\"}"))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("unknown reference 'trian'");
        assertThatThrownBy(() -> rule("rate(slate_feature_psi{feature=\"user.country\",reference=\"train\"})"))
                .isInstanceOf(SlateException.class)
                .hasMessageContaining("reference 'train' has no values of user.country");
    }

    @Test
    void theOutboxBuiltInRuleExistsPerEnvironmentWithChannelsAndFiresAtTheBound() {
        List<AlertRule> rules = BuiltinAlerts.rules(Map.of("prod", List.of("ops", "pager"), "test", List.of()));
        assertThat(rules).hasSize(1);
        AlertRule r = rules.get(0);
        assertThat(r.name()).isEqualTo(BuiltinAlerts.USAGE_OUTBOX_FULL);
        assertThat(AlertRules.NAME.matcher(r.name()).matches())
                .as("no API or project rule can take the name")
                .isFalse();
        assertThat(r.channels()).containsExactly("ops", "pager");
        MetricSamples full =
                MetricSamples.parse("slate_usage_outbox_backlog 40.0\nslate_usage_outbox_max_backlog 40.0\n");
        MetricSamples below =
                MetricSamples.parse("slate_usage_outbox_backlog 39.0\nslate_usage_outbox_max_backlog 40.0\n");
        OptionalDouble v = r.formula().evaluate(full, null, null);
        assertThat(r.breached(v.getAsDouble())).isTrue();
        assertThat(r.breached(r.formula().evaluate(below, null, null).getAsDouble()))
                .isFalse();
        assertThat(r.formula().evaluate(MetricSamples.parse(""), null, null))
                .as("telemetry off: no series, never fires")
                .isEmpty();
    }
}
