package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The version of a Slate build, as a bundle's manifest or a checkout's CLI jar names it ({@code 0.2.0},
 * {@code 0.1.0-SNAPSHOT}). Ordered as Maven orders plain versions: the dot-separated numbers first, then a
 * version with a qualifier ({@code -SNAPSHOT}, {@code -rc1}) before the same numbers without one.
 */
public record InstallVersion(String text) implements Comparable<InstallVersion> {
    private static final Pattern FORM = Pattern.compile("[0-9]+(\\.[0-9]+)*([-+][0-9A-Za-z.+-]+)?");

    public InstallVersion {
        requireNonNull(text, "text is null");
        if (!FORM.matcher(text).matches()) {
            throw new InstallException("not a Slate version: '" + text + "' (expected e.g. 0.2.0 or 0.2.0-SNAPSHOT)");
        }
    }

    public static InstallVersion of(String text) {
        return new InstallVersion(text);
    }

    private List<Long> numbers() {
        List<Long> numbers = new ArrayList<>();
        for (String part : numeric().split("\\.")) {
            numbers.add(Long.parseLong(part));
        }
        return numbers;
    }

    private String numeric() {
        int cut = qualifierStart();
        return cut < 0 ? text : text.substring(0, cut);
    }

    private int qualifierStart() {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-' || c == '+') {
                return i;
            }
        }
        return -1;
    }

    private String qualifier() {
        int cut = qualifierStart();
        return cut < 0 ? "" : text.substring(cut + 1);
    }

    @Override
    public int compareTo(InstallVersion other) {
        List<Long> mine = numbers();
        List<Long> theirs = other.numbers();
        for (int i = 0; i < Math.max(mine.size(), theirs.size()); i++) {
            long a = i < mine.size() ? mine.get(i) : 0;
            long b = i < theirs.size() ? theirs.get(i) : 0;
            if (a != b) {
                return Long.compare(a, b);
            }
        }
        String q = qualifier();
        String r = other.qualifier();
        if (q.isEmpty() || r.isEmpty()) {
            return Boolean.compare(q.isEmpty(), r.isEmpty());
        }
        return q.compareTo(r);
    }

    @Override
    public String toString() {
        return text;
    }
}
