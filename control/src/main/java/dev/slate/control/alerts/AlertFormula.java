package dev.slate.control.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A formula over metrics (docs/alerts.md): numbers, metric selectors {@code name} or {@code
 * name{label="value",...}} (the sum of every matching series), {@code rate(selector)} (its per-second
 * increase since the previous evaluation), {@code + - * /} and parentheses. Parsed once; evaluated
 * against a scrape. A selector with no series has no value, and neither has the formula then (or on a
 * division by zero): no data never fires an alert.
 */
public final class AlertFormula {

    /** The parsed form. */
    public sealed interface Expr permits Num, Selector, Rate, Binary {}

    public record Num(double value) implements Expr {}

    public record Selector(String metric, Map<String, String> labels) implements Expr {}

    public record Rate(Selector selector) implements Expr {}

    public record Binary(char op, Expr left, Expr right) implements Expr {}

    private final String text;
    private final Expr expr;

    private AlertFormula(String text, Expr expr) {
        this.text = text;
        this.expr = expr;
    }

    public static AlertFormula parse(String text) {
        if (text == null || text.isBlank()) {
            throw new FormulaException(0, "the formula is empty");
        }
        if (text.length() > 2000) {
            throw new FormulaException(2000, "the formula is longer than 2000 characters");
        }
        Parser p = new Parser(text);
        Expr e = p.sum();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new FormulaException(p.pos, "unexpected '" + text.charAt(p.pos) + "'");
        }
        return new AlertFormula(text, e);
    }

    public String text() {
        return text;
    }

    public Expr expr() {
        return expr;
    }

    /** Every metric the formula reads. */
    public Set<String> metrics() {
        Set<String> out = new LinkedHashSet<>();
        collect(expr, out);
        return out;
    }

    /** Every selector of the formula, those inside {@code rate()} too, in order. */
    public List<Selector> selectors() {
        List<Selector> out = new ArrayList<>();
        selectors(expr, out);
        return out;
    }

    private static void selectors(Expr e, List<Selector> out) {
        switch (e) {
            case Num n -> {}
            case Selector s -> out.add(s);
            case Rate r -> out.add(r.selector());
            case Binary b -> {
                selectors(b.left(), out);
                selectors(b.right(), out);
            }
        }
    }

    private static void collect(Expr e, Set<String> out) {
        switch (e) {
            case Num n -> {}
            case Selector s -> out.add(s.metric());
            case Rate r -> out.add(r.selector().metric());
            case Binary b -> {
                collect(b.left(), out);
                collect(b.right(), out);
            }
        }
    }

    /**
     * The formula's value on {@code now}; {@code previous} (taken {@code elapsed} earlier) serves
     * {@code rate()}, which has no value without it.
     */
    public OptionalDouble evaluate(MetricSamples now, MetricSamples previous, Duration elapsed) {
        return eval(expr, now, previous, elapsed);
    }

    private static OptionalDouble eval(Expr e, MetricSamples now, MetricSamples previous, Duration elapsed) {
        return switch (e) {
            case Num n -> OptionalDouble.of(n.value());
            case Selector s -> sum(now, s);
            case Rate r -> {
                if (previous == null || elapsed == null || elapsed.isZero() || elapsed.isNegative()) {
                    yield OptionalDouble.empty();
                }
                OptionalDouble a = sum(now, r.selector());
                OptionalDouble b = sum(previous, r.selector());
                if (a.isEmpty()) {
                    yield OptionalDouble.empty();
                }
                double increase = a.getAsDouble() - b.orElse(0);
                yield OptionalDouble.of(
                        Math.max(0, increase) / (elapsed.toNanos() / 1e9)); // a counter reset counts as no increase
            }
            case Binary b -> {
                OptionalDouble l = eval(b.left(), now, previous, elapsed);
                OptionalDouble r = eval(b.right(), now, previous, elapsed);
                if (l.isEmpty() || r.isEmpty()) {
                    yield OptionalDouble.empty();
                }
                double x = l.getAsDouble();
                double y = r.getAsDouble();
                yield switch (b.op()) {
                    case '+' -> OptionalDouble.of(x + y);
                    case '-' -> OptionalDouble.of(x - y);
                    case '*' -> OptionalDouble.of(x * y);
                    default -> y == 0 ? OptionalDouble.empty() : OptionalDouble.of(x / y);
                };
            }
        };
    }

    private static OptionalDouble sum(MetricSamples samples, Selector s) {
        List<MetricSamples.Sample> matched = samples.select(s.metric(), s.labels());
        if (matched.isEmpty()) {
            return OptionalDouble.empty();
        }
        double total = 0;
        for (MetricSamples.Sample x : matched) {
            if (!Double.isNaN(x.value())) {
                total += x.value();
            }
        }
        return OptionalDouble.of(total);
    }

    /** Recursive descent: sum := product (('+'|'-') product)*; product := atom (('*'|'/') atom)*. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Expr sum() {
            Expr left = product();
            while (true) {
                skipSpace();
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    char op = s.charAt(pos++);
                    left = new Binary(op, left, product());
                } else {
                    return left;
                }
            }
        }

        Expr product() {
            Expr left = atom();
            while (true) {
                skipSpace();
                if (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '/')) {
                    char op = s.charAt(pos++);
                    left = new Binary(op, left, atom());
                } else {
                    return left;
                }
            }
        }

        Expr atom() {
            skipSpace();
            if (pos >= s.length()) {
                throw new FormulaException(pos, "the formula ends where a number, metric or '(' was expected");
            }
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                Expr inner = sum();
                expect(')');
                return inner;
            }
            if (Character.isDigit(c) || c == '.') {
                int start = pos;
                while (pos < s.length()
                        && (Character.isDigit(s.charAt(pos))
                                || s.charAt(pos) == '.'
                                || s.charAt(pos) == 'e'
                                || s.charAt(pos) == 'E')) {
                    pos++;
                }
                try {
                    return new Num(Double.parseDouble(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw new FormulaException(start, "'" + s.substring(start, pos) + "' is not a number");
                }
            }
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                String name = identifier();
                skipSpace();
                if (name.equals("rate") && pos < s.length() && s.charAt(pos) == '(') {
                    pos++;
                    skipSpace();
                    int at = pos;
                    Expr inner = atom();
                    if (!(inner instanceof Selector sel)) {
                        throw new FormulaException(at, "rate() takes a metric, e.g. rate(slate_feature_errors_total)");
                    }
                    expect(')');
                    return new Rate(sel);
                }
                if (pos < s.length() && s.charAt(pos) == '(') {
                    throw new FormulaException(start, "unknown function '" + name + "'; the only function is rate()");
                }
                return new Selector(name, labels());
            }
            throw new FormulaException(pos, "unexpected '" + c + "'");
        }

        private Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            if (pos >= s.length() || s.charAt(pos) != '{') {
                return labels;
            }
            pos++;
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return labels;
                }
                String key = identifier();
                skipSpace();
                expect('=');
                skipSpace();
                expect('"');
                int start = pos;
                while (pos < s.length() && s.charAt(pos) != '"') {
                    pos++;
                }
                if (pos >= s.length()) {
                    throw new FormulaException(start, "unterminated label value");
                }
                labels.put(key, s.substring(start, pos));
                pos++;
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                }
            }
        }

        private String identifier() {
            int start = pos;
            while (pos < s.length()
                    && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == ':')) {
                pos++;
            }
            if (start == pos) {
                throw new FormulaException(pos, "a name was expected");
            }
            return s.substring(start, pos);
        }

        private void expect(char c) {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new FormulaException(pos, "'" + c + "' was expected");
            }
            pos++;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
