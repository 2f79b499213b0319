package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An alert rule as declared under {@code alerts:} (docs/specs/project-format.md, "Alerts"). The parser checks its
 * form; the control plane checks the formula's metrics and the channels against the environment at deployment, and
 * keeps the rules of the active deployment (docs/alerts.md, "Rules in the project").
 *
 * @param comparator one of {@code > >= < <=}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param formulaLocation where the formula is written, for problems found in it
 */
public record AlertSpec(
        String name,
        String formula,
        String comparator,
        double threshold,
        Duration window,
        String severity,
        String owner,
        List<String> channels,
        Optional<String> description,
        SourceLocation location,
        SourceLocation formulaLocation) {

    public AlertSpec {
        requireNonNull(name, "name is null");
        requireNonNull(formula, "formula is null");
        requireNonNull(comparator, "comparator is null");
        requireNonNull(window, "window is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(owner, "owner is null");
        channels = List.copyOf(channels);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
        requireNonNull(formulaLocation, "formulaLocation is null");
    }
}
