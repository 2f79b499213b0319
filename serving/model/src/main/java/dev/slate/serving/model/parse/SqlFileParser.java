package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.ResolverSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .sql} file that declares one resolver with comment headers at its top:
 * <pre>
 * -- resolves: transaction
 * -- source: appdb
 * -- name: transaction_by_id      (default: the file name without .sql)
 * -- timeout: 500ms              (default: 1s)
 * -- outputs: amount, merchant   (default: the SELECT list)
 * SELECT ...
 * </pre>
 * A header is a comment line {@code -- key: value} before the first line of SQL. Other comment lines
 * are prose; one whose key is a near miss of a header key is reported as a likely typo. The
 * resolver's SQL is the file from its first line that is not a comment on (the header block is left out).
 */
final class SqlFileParser {
    static final Set<String> HEADER_KEYS = Set.of("resolves", "source", "name", "timeout", "outputs", "description");
    private static final Pattern HEADER = Pattern.compile("^\\s*--\\s*([A-Za-z_][A-Za-z0-9_-]*)\\s*:(.*)$");

    private SqlFileParser() {}

    static void parse(String file, String content, Problems problems, ProjectSpecBuilder out) {
        String[] lines = content.split("\n", -1);
        Map<String, String> headers = new HashMap<>();
        Map<String, SourceLocation> at = new HashMap<>();
        boolean sawSql = false;
        int firstSqlLine = lines.length;
        for (int i = 0; i < lines.length && !sawSql; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("--")) {
                sawSql = true;
                firstSqlLine = i;
                continue;
            }
            Matcher m = HEADER.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String key = m.group(1).toLowerCase(Locale.ROOT);
            SourceLocation location = new SourceLocation(file, i + 1, m.start(1) + 1);
            if (!HEADER_KEYS.contains(key)) {
                Suggestions.closest(key, HEADER_KEYS)
                        .ifPresent(s -> problems.add(
                                location,
                                ErrorCode.UNKNOWN_FIELD,
                                "unknown header '" + key + "'; did you mean '" + s + "'? (headers: "
                                        + String.join(
                                                ", ",
                                                HEADER_KEYS.stream().sorted().toList()) + ")"));
                continue;
            }
            if (headers.containsKey(key)) {
                problems.add(
                        location,
                        ErrorCode.DUPLICATE_NAME,
                        "header '" + key + "' appears twice (first at line "
                                + at.get(key).line() + ")");
                continue;
            }
            headers.put(key, m.group(2).strip());
            at.put(key, new SourceLocation(file, i + 1, m.start(2) + 1 + leading(m.group(2))));
        }
        SourceLocation start = new SourceLocation(file, 1, 1);
        String what = "resolver file " + file;
        String source = headers.get("source");
        if (source == null || source.isEmpty()) {
            problems.add(
                    at.getOrDefault("source", start),
                    ErrorCode.MISSING_FIELD,
                    what + " has no '-- source: <name>' header; start the file with e.g. '-- source: appdb'");
        }
        String name = Optional.ofNullable(headers.get("name"))
                .filter(n -> !n.isEmpty())
                .orElse(defaultName(file));
        Names.checkResourceName(name, "resolver")
                .ifPresent(
                        msg -> problems.add(
                                at.getOrDefault("name", start),
                                ErrorCode.INVALID_NAME,
                                msg
                                        + (headers.containsKey("name")
                                                ? ""
                                                : " (the name comes from the file name; set '-- name: ...' to choose another)")));
        Optional<Duration> timeout = Optional.empty();
        if (headers.containsKey("timeout")) {
            try {
                Duration d = Durations.parse(headers.get("timeout"));
                if (d.isZero()) {
                    problems.add(
                            at.get("timeout"), ErrorCode.BAD_DURATION, "timeout of " + what + " must be more than 0s");
                } else {
                    timeout = Optional.of(d);
                }
            } catch (IllegalArgumentException e) {
                problems.add(at.get("timeout"), ErrorCode.BAD_DURATION, "timeout of " + what + ": " + e.getMessage());
            }
        }
        Optional<List<ResolverSpec.Named>> outputs = Optional.ofNullable(headers.get("outputs"))
                .map(text -> {
                    List<ResolverSpec.Named> list = new ArrayList<>();
                    SourceLocation where = at.get("outputs");
                    for (String part : text.split(",")) {
                        if (!part.isBlank()) {
                            list.add(new ResolverSpec.Named(part.strip(), where));
                        }
                    }
                    return list;
                });
        Optional<String> resolves = Optional.ofNullable(headers.get("resolves")).filter(r -> !r.isEmpty());
        if (content.isBlank() || !sawSql) {
            problems.add(start, ErrorCode.BAD_SQL, what + " holds no SQL after its headers");
            out.resolverUnreadable();
            return;
        }
        if (source == null || source.isEmpty()) {
            out.resolverUnreadable();
            return;
        }
        // the SQL starts after the header block, so that plans and logs show the statement alone
        String sql = String.join("\n", Arrays.asList(lines).subList(firstSqlLine, lines.length));
        SourceLocation sqlStart = new SourceLocation(file, firstSqlLine + 1, 1);
        out.resolver(new ResolverSpec.Sql(
                name,
                source,
                at.get("source"),
                EmbeddedText.contiguous(sql, sqlStart),
                resolves,
                at.getOrDefault("resolves", start),
                outputs,
                timeout,
                start));
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && Character.isWhitespace(s.charAt(n))) {
            n++;
        }
        return n;
    }

    private static String defaultName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        return base.substring(0, base.length() - ".sql".length());
    }
}
