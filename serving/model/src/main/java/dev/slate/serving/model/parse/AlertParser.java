package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.AlertSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code alerts:} (docs/specs/project-format.md, "Alerts"): a list of rules, each with a name, a formula over
 * metrics, a threshold, an owner and optional comparator, window, severity, channels and description. What needs the
 * environment (the metrics a formula names, the channels) is checked by the control plane at deployment.
 */
final class AlertParser {
    static final Set<String> KEYS = Set.of(
            "name", "formula", "comparator", "threshold", "window", "severity", "owner", "channels", "description");
    /** The name rule of alert rules, as for {@code PUT /v1/alerts/{name}} (docs/alerts.md). */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private static final Set<String> COMPARATORS = Set.of(">", ">=", "<", "<=");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

    private final String file;
    private final Problems problems;

    AlertParser(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    List<AlertSpec> parse(Node node) {
        List<AlertSpec> out = new ArrayList<>();
        if (YamlMap.isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.add(
                    YamlMap.locate(file, node),
                    ErrorCode.INVALID_VALUE,
                    "alerts must be a list (each entry starting with '- name: ...'), not " + YamlMap.describe(node));
            return out;
        }
        Map<String, SourceLocation> seen = new HashMap<>();
        for (Node item : seq.getValue()) {
            YamlMap.of(file, item, problems, "an alert").flatMap(this::alert).ifPresent(a -> {
                SourceLocation first = seen.putIfAbsent(a.name(), a.location());
                if (first != null) {
                    problems.add(
                            a.location(),
                            ErrorCode.DUPLICATE_NAME,
                            "alert '" + a.name() + "' is declared twice (first at line " + first.line() + ")");
                } else {
                    out.add(a);
                }
            });
        }
        return out;
    }

    private Optional<AlertSpec> alert(YamlMap m) {
        Optional<String> name = m.required("name", "an alert");
        String what = "alert '" + name.orElse("?") + "'";
        m.rejectUnknown(KEYS, what);
        boolean ok = name.isPresent();
        if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
            problems.add(
                    m.valueLocation("name"),
                    ErrorCode.INVALID_NAME,
                    "alert name '" + name.get()
                            + "' must be lower case letters, digits, '_' or '-', starting with a letter, at most 63 characters");
            ok = false;
        }
        Optional<String> formula =
                m.required("formula", what).map(String::strip).filter(f -> !f.isEmpty());
        ok &= formula.isPresent();
        Optional<String> thresholdText = m.required("threshold", what);
        double threshold = 0;
        if (thresholdText.isPresent()) {
            try {
                threshold = Double.parseDouble(thresholdText.get().strip());
                if (!Double.isFinite(threshold)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add(
                        m.valueLocation("threshold"),
                        ErrorCode.INVALID_VALUE,
                        "threshold of " + what + " must be a finite number, not '" + thresholdText.get() + "'");
                ok = false;
            }
        } else {
            ok = false;
        }
        String comparator = m.scalar("comparator", "comparator of " + what)
                .map(String::strip)
                .orElse(">");
        if (!COMPARATORS.contains(comparator)) {
            problems.add(
                    m.valueLocation("comparator"),
                    ErrorCode.INVALID_VALUE,
                    "comparator of " + what + " must be one of > >= < <=, not '" + comparator + "'");
            ok = false;
        }
        Duration window = Duration.ZERO;
        Optional<String> windowText = m.scalar("window", "window of " + what);
        if (windowText.isPresent()) {
            try {
                window = Durations.parse(windowText.get());
            } catch (IllegalArgumentException e) {
                problems.add(
                        m.valueLocation("window"), ErrorCode.BAD_DURATION, "window of " + what + ": " + e.getMessage());
                ok = false;
            }
        }
        String severity = m.scalar("severity", "severity of " + what)
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .orElse("warning");
        if (!SEVERITIES.contains(severity)) {
            problems.add(
                    m.valueLocation("severity"),
                    ErrorCode.INVALID_VALUE,
                    "severity of " + what + " must be info, warning or critical, not '" + severity + "'");
            ok = false;
        }
        Optional<String> owner = m.required("owner", what).map(String::strip).filter(o -> !o.isEmpty());
        ok &= owner.isPresent();
        List<String> channels = new ArrayList<>();
        m.scalarList("channels", "channels of " + what)
                .ifPresent(l -> l.forEach(s -> channels.add(s.getValue().strip())));
        Optional<String> description = m.scalar("description", "description of " + what);
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new AlertSpec(
                name.get(),
                formula.get(),
                comparator,
                threshold,
                window,
                severity,
                owner.get(),
                channels,
                description,
                m.location(),
                m.valueLocation("formula")));
    }
}
