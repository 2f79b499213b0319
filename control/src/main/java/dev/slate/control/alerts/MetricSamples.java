package dev.slate.control.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scrape of the Prometheus text exposition ({@code /q/metrics}): every sample by series name
 * ({@code slate_query_duration_seconds_count}), with its labels.
 */
public final class MetricSamples {

    /** One sample line. */
    public record Sample(Map<String, String> labels, double value) {}

    private final Map<String, List<Sample>> byName;

    private MetricSamples(Map<String, List<Sample>> byName) {
        this.byName = byName;
    }

    public static MetricSamples of(Map<String, List<Sample>> byName) {
        return new MetricSamples(Map.copyOf(byName));
    }

    /** Parses the text exposition format; lines it does not understand are skipped. */
    public static MetricSamples parse(String exposition) {
        Map<String, List<Sample>> byName = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int brace = line.indexOf('{');
            int space;
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                name = line.substring(0, brace);
                int close = line.lastIndexOf('}');
                if (close < brace) {
                    continue;
                }
                parseLabels(line.substring(brace + 1, close), labels);
                space = close + 1;
            } else {
                space = line.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                name = line.substring(0, space);
            }
            String rest = line.substring(space).strip();
            int end = rest.indexOf(' ');
            String number = end < 0 ? rest : rest.substring(0, end);
            double value;
            try {
                value = switch (number) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(number);
                };
            } catch (NumberFormatException e) {
                continue;
            }
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(Map.copyOf(labels), value));
        }
        return new MetricSamples(byName);
    }

    private static void parseLabels(String text, Map<String, String> labels) {
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0 || eq + 1 >= text.length() || text.charAt(eq + 1) != '"') {
                return;
            }
            String key = text.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < text.length() && text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char n = text.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** The series names present. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The samples of a series whose labels include every given pair. */
    public List<Sample> select(String name, Map<String, String> matchers) {
        List<Sample> all = byName.getOrDefault(name, List.of());
        if (matchers.isEmpty()) {
            return all;
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : all) {
            if (s.labels().entrySet().containsAll(matchers.entrySet())) {
                out.add(s);
            }
        }
        return out;
    }
}
