package dev.slate.control.alerts;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates what a client sends to {@code /v1/alerts} and turns it into {@link AlertRule} and {@link
 * AlertChannel}. Every problem is listed ({@code field}, {@code message}) in one {@code
 * VALIDATION_FAILED} answer.
 */
public final class AlertRules {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Set<String> RESERVED = Set.of("channels", "silences", "notifications");
    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{secret:[A-Za-z_][A-Za-z0-9_.-]{0,127}}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private AlertRules() {}

    /** A rule as sent; every field is checked by {@link #rule}. */
    public record RuleRequest(
            String formula,
            String comparator,
            Double threshold,
            String window,
            String severity,
            String owner,
            List<String> channels,
            String description) {}

    /** A channel as sent; checked by {@link #channel}. */
    public record ChannelRequest(String kind, String url, String secret, String emailTo) {}

    /**
     * @param knownMetrics series names a formula may read (this replica's exposition and the documented ones)
     * @param channels the environment's channel names
     */
    public static AlertRule rule(
            String environment, String name, RuleRequest r, Set<String> knownMetrics, Set<String> channels) {
        return rule(environment, name, r, knownMetrics, channels, FormulaLabels.NONE);
    }

    /**
     * As {@link #rule(String, String, RuleRequest, Set, Set)}, also refusing a {@code feature} or {@code reference}
     * label value that {@code labels} does not know.
     */
    public static AlertRule rule(
            String environment,
            String name,
            RuleRequest r,
            Set<String> knownMetrics,
            Set<String> channels,
            FormulaLabels labels) {
        List<ErrorDetail.Field> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
            problems.add(problem(
                    "name",
                    "a rule name is lower-case letters, digits, '_' and '-', starting with a letter (at most 63), and not "
                            + String.join(", ", RESERVED)));
        }
        AlertFormula formula = null;
        if (r.formula() == null) {
            problems.add(
                    problem(
                            "formula",
                            "required: a metric or a formula over metrics, e.g. rate(slate_feature_errors_total{code=\"RESOLVER_FAILED\"})"));
        } else {
            try {
                formula = AlertFormula.parse(r.formula());
                for (String metric : formula.metrics()) {
                    if (!knownMetrics.contains(metric)) {
                        problems.add(problem(
                                "formula",
                                Suggestions.unknown("metric", metric, knownMetrics)
                                        + "; see docs/operations.md for the metrics"));
                    }
                }
                for (String p : labels.problems(formula, environment)) {
                    problems.add(problem("formula", p));
                }
            } catch (FormulaException e) {
                problems.add(problem("formula", "malformed formula: " + e.getMessage()));
            }
        }
        Optional<AlertRule.Comparator> comparator =
                r.comparator() == null ? Optional.of(AlertRule.Comparator.GT) : AlertRule.Comparator.of(r.comparator());
        if (comparator.isEmpty()) {
            problems.add(problem("comparator", "must be one of >, >=, <, <= (default >)"));
        }
        if (r.threshold() == null || r.threshold().isNaN() || r.threshold().isInfinite()) {
            problems.add(problem("threshold", "required: a finite number"));
        }
        Duration window = Duration.ZERO;
        if (r.window() != null) {
            try {
                window = Durations.parse(r.window());
            } catch (IllegalArgumentException e) {
                problems.add(problem("window", e.getMessage()));
            }
        }
        AlertRule.Severity severity = AlertRule.Severity.WARNING;
        if (r.severity() != null) {
            try {
                severity = AlertRule.Severity.valueOf(r.severity().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(problem("severity", "must be info, warning or critical"));
            }
        }
        if (r.owner() == null || r.owner().isBlank() || r.owner().length() > 200) {
            problems.add(
                    problem("owner", "required: who answers this alert (a team or person, at most 200 characters)"));
        }
        List<String> wanted = r.channels() == null ? List.of() : r.channels();
        for (String ch : wanted) {
            if (ch == null || !channels.contains(ch)) {
                problems.add(problem(
                        "channels",
                        "no channel '" + ch + "' in environment " + environment
                                + "; create it with PUT /v1/alerts/channels/{name}"));
            }
        }
        if (!problems.isEmpty()) {
            throw invalid("alert rule", problems);
        }
        return new AlertRule(
                environment,
                name,
                formula,
                comparator.get(),
                r.threshold(),
                window,
                severity,
                r.owner().strip(),
                wanted,
                Optional.ofNullable(r.description()));
    }

    public static AlertChannel channel(String environment, String name, ChannelRequest r) {
        List<ErrorDetail.Field> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(problem(
                    "name",
                    "a channel name is lower-case letters, digits, '_' and '-', starting with a letter (at most 63)"));
        }
        AlertChannel.Kind kind = null;
        try {
            kind = r.kind() == null ? null : AlertChannel.Kind.valueOf(r.kind().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // listed below
        }
        if (kind == null) {
            problems.add(problem("kind", "must be slack, pagerduty, webhook or email"));
        }
        URI url = null;
        if (r.url() == null) {
            problems.add(problem("url", "required"));
        } else {
            try {
                url = new URI(r.url());
                String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
                boolean email = kind == AlertChannel.Kind.EMAIL;
                if (email ? !scheme.equals("smtp") : !(scheme.equals("http") || scheme.equals("https"))) {
                    problems.add(problem(
                            "url",
                            email
                                    ? "an email channel's url is smtp://host:port"
                                    : "must be an http:// or https:// URL, got '"
                                            + (scheme.isEmpty() ? r.url() : scheme + ":") + "'"));
                } else if (url.getHost() == null) {
                    problems.add(problem("url", "has no host"));
                }
                if (url.getUserInfo() != null) {
                    problems.add(problem("url", "must not carry credentials; give a secret reference in 'secret'"));
                }
            } catch (URISyntaxException e) {
                problems.add(problem("url", "not a URL: " + e.getMessage()));
            }
        }
        if (r.secret() != null && !SECRET_REF.matcher(r.secret()).matches()) {
            problems.add(
                    problem(
                            "secret",
                            "must be a reference ${secret:NAME} (store the value with PUT /v1/secrets/NAME), never the value itself"));
        }
        if (kind == AlertChannel.Kind.EMAIL
                && (r.emailTo() == null || !EMAIL.matcher(r.emailTo()).matches())) {
            problems.add(problem("email_to", "an email channel needs the recipient address"));
        }
        if (!problems.isEmpty()) {
            throw invalid("alert channel", problems);
        }
        return new AlertChannel(
                environment, name, kind, url, Optional.ofNullable(r.secret()), Optional.ofNullable(r.emailTo()));
    }

    private static ErrorDetail.Field problem(String field, String message) {
        return ErrorDetail.Field.of(field, message);
    }

    private static SlateException invalid(String what, List<ErrorDetail.Field> problems) {
        String summary = problems.size() == 1
                ? what + ": " + problems.get(0).field() + ": " + problems.get(0).message()
                : problems.size() + " problems in the " + what + "; see errors";
        return new SlateException(ErrorCode.VALIDATION_FAILED, summary, problems);
    }
}
