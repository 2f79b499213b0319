package dev.slate.serving.model;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" suggestions by edit distance: the one place that words "unknown X 'y' (did you mean 'z'?)" for the
 * project compiler, the query, ingest and materialize services and the alert rules.
 */
public final class Suggestions {
    private Suggestions() {}

    /** The candidate closest to {@code word}, when it is close enough to be a likely typo. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null || bestDistance == 0 && best.equals(word)) {
            return Optional.empty();
        }
        int allowed = Math.max(1, Math.min(3, Math.max(word.length(), best.length()) / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"} or the empty string. */
    public static String didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates)
                .map(s -> " (did you mean '" + s + "'?)")
                .orElse("");
    }

    /** {@code "unknown <what> '<name>'"} plus {@link #didYouMean} over {@code candidates}, e.g. {@code unknown feature 'user.emial' (did you mean 'user.email'?)}. */
    public static String unknown(String what, String name, Collection<String> candidates) {
        return "unknown " + what + " '" + shown(name) + "'" + didYouMean(name, candidates);
    }

    /** {@code name}, cut to 80 characters so that a message never echoes a huge input. */
    public static String shown(String name) {
        return name.length() > 80 ? name.substring(0, 77) + "..." : name;
    }

    /** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
    public static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
