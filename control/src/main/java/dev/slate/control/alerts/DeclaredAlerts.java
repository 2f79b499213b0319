package dev.slate.control.alerts;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.ProjectProblem;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.spec.AlertSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The alert rules a project declares under {@code alerts:} (docs/alerts.md, "Rules in the project"): checked against
 * the environment when the project is deployed, and made the environment's declared rules when a deployment becomes
 * active. Blocking JDBC: call from worker threads.
 */
@ApplicationScoped
public class DeclaredAlerts {
    private static final Logger LOG = Logger.getLogger(DeclaredAlerts.class);

    private final AlertStore store;
    private final Instance<MetricSource> metrics;
    private final Instance<MonitoredNames> names;

    DeclaredAlerts(AlertStore store, Instance<MetricSource> metrics, Instance<MonitoredNames> names) {
        this.store = store;
        this.metrics = metrics;
        this.names = names;
    }

    /**
     * What is wrong with the project's alerts in {@code environment}, each at the line of the declaration (or of its
     * formula): a formula that is malformed or names an unknown metric, a channel the environment does not have.
     */
    public List<ProjectProblem> problems(String environment, FeatureGraph graph) {
        if (graph.alerts().isEmpty()) {
            return List.of();
        }
        Set<String> known = metrics.isResolvable() ? metrics.get().known() : Set.of();
        Set<String> channels =
                store.channels(environment).stream().map(AlertChannel::name).collect(Collectors.toSet());
        // feature labels name features of the project being deployed; references are the environment's
        Set<String> features = new HashSet<>();
        graph.features().keySet().forEach(id -> features.add(id.qualified()));
        FormulaLabels labels = new FormulaLabels(
                Optional.of(features), names.isResolvable() ? names.get().references(environment) : Map.of());
        List<ProjectProblem> problems = new ArrayList<>();
        for (AlertSpec a : graph.alerts()) {
            try {
                AlertRules.rule(environment, a.name(), request(a), known, channels, labels);
            } catch (SlateException e) {
                for (ErrorDetail d : e.errors()) {
                    if (d instanceof ErrorDetail.Field f) {
                        SourceLocation at = f.field().equals("formula") ? a.formulaLocation() : a.location();
                        problems.add(new ProjectProblem(
                                at,
                                ErrorCode.INVALID_VALUE.name(),
                                "alert '" + a.name() + "': " + f.field() + ": " + f.message()));
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Makes the environment's declared rules those of {@code graph}: rules it no longer declares are removed, API-made
     * rules of other names stay. Channels and metrics were checked when the project was deployed; a rule that no longer
     * reads (a rollback to an old deployment after its channel was deleted) is still kept, and its notices to a missing
     * channel fail as recorded deliveries.
     */
    public void apply(String environment, FeatureGraph graph) {
        List<AlertRule> rules = new ArrayList<>();
        Map<String, String> declaredAt = new LinkedHashMap<>();
        for (AlertSpec a : graph.alerts()) {
            try {
                // metrics and channels were checked when the project was deployed: here only the rule's own are known
                Set<String> metrics = AlertFormula.parse(a.formula()).metrics();
                rules.add(AlertRules.rule(environment, a.name(), request(a), metrics, Set.copyOf(a.channels())));
                declaredAt.put(
                        a.name(), a.location().file() + ":" + a.location().line());
            } catch (SlateException | FormulaException e) {
                LOG.warnf(
                        "environment '%s': alert '%s' declared at %s cannot be kept: %s",
                        environment, a.name(), a.location(), e.getMessage());
            }
        }
        store.replaceDeclared(environment, rules, declaredAt);
    }

    private static AlertRules.RuleRequest request(AlertSpec a) {
        return new AlertRules.RuleRequest(
                a.formula(),
                a.comparator(),
                a.threshold(),
                Durations.format(a.window()),
                a.severity(),
                a.owner(),
                a.channels(),
                a.description().orElse(null));
    }
}
