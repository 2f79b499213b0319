package dev.slate.control.alerts;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names an alert formula's {@code feature} and {@code reference} label values are checked against
 * (docs/alerts.md, "Formulas"): the features of an environment's active deployment, and its drift references. The
 * appliance provides it; without it labels are not checked.
 */
public interface MonitoredNames {

    /** The qualified feature names of the environment's active deployment; empty when it has none. */
    Optional<Set<String>> features(String environment);

    /** The environment's reference datasets: name to the features each has values of. */
    Map<String, Set<String>> references(String environment);
}
