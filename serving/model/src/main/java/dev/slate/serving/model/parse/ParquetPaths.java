package dev.slate.serving.model.parse;

import java.nio.file.FileSystems;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * What the {@code path} of a {@code kind: parquet} source may look like. It is read relative to the serving
 * process's Parquet root ({@code slate.sources.parquet-root}) and must stay inside it, so it is a relative
 * path of plain folder names: no leading {@code /}, no drive letter, no {@code ~}, no {@code ..} or {@code .}
 * folder, no empty folder name, no backslash, no URL. The last parts may be a glob ({@code *}, {@code **},
 * {@code ?}, {@code [..]}, {@code {a,b}}, as {@link java.nio.file.FileSystem#getPathMatcher} reads it).
 * This check is lexical; the engine checks again against the real file system (symbolic links) when it
 * reads the files.
 */
public final class ParquetPaths {

    private ParquetPaths() {}

    /** Why {@code path} cannot be a Parquet source path (a phrase to follow "path of source 'x'"), or empty when it can. */
    public static Optional<String> check(String path) {
        if (path.isBlank()) {
            return Optional.of(
                    "is empty; give a file, folder or glob relative to the Parquet root (slate.sources.parquet-root)");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("has a control character");
        }
        if (path.contains("://")) {
            return Optional.of("'" + path
                    + "' is a URL; Parquet sources are files under the Parquet root (slate.sources.parquet-root)");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("'" + path + "' has a backslash; use / between folders");
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*") || path.startsWith("~")) {
            return Optional.of(
                    "'" + path + "' is absolute; it must be relative to the Parquet root (slate.sources.parquet-root)");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("'" + path + "' has '" + segment
                        + "'; it must stay inside the Parquet root (slate.sources.parquet-root)");
            }
            if (segment.isEmpty()) {
                return Optional.of("'" + path + "' has an empty folder name");
            }
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + path);
        } catch (PatternSyntaxException e) {
            return Optional.of("'" + path + "' is not a valid glob: " + e.getDescription());
        }
        return Optional.empty();
    }

    /** True when {@code path} has glob characters (it names several files), false when it names one file or folder. */
    public static boolean isGlob(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return true;
            }
        }
        return false;
    }
}
