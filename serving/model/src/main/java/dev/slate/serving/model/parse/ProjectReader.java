package dev.slate.serving.model.parse;

import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.ProjectSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the files of a project into a {@link ProjectSpec}: {@code slate.yaml} first, then the other
 * files in path order. Every problem is added to {@code problems}; reading goes on past problems so
 * that all of them are reported at once.
 */
public final class ProjectReader {
    /** The file that names the project. */
    public static final String PROJECT_FILE = "slate.yaml";

    private ProjectReader() {}

    /**
     * What was read.
     *
     * @param spec the declared project, or empty when slate.yaml is missing or names no project
     * @param allResolversRead false when some resolver entry was too broken to keep (so a feature
     *     without a resolver may just be the output of that one)
     */
    public record Result(Optional<ProjectSpec> spec, boolean allResolversRead) {}

    public static Result read(Map<String, String> files, Problems problems) {
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            String path = e.getKey();
            if (path == null) {
                problems.add(SourceLocation.of("?"), ErrorCode.BAD_FILE, "a file has no name");
                continue;
            }
            Optional<String> bad = checkPath(path);
            if (bad.isPresent()) {
                problems.add(SourceLocation.of(path), ErrorCode.BAD_FILE, bad.get());
                continue;
            }
            if (e.getValue() == null) {
                problems.add(SourceLocation.of(path), ErrorCode.BAD_FILE, "file " + path + " has no content");
                continue;
            }
            paths.add(path);
        }
        paths.sort((a, b) -> a.equals(PROJECT_FILE) ? -1 : b.equals(PROJECT_FILE) ? 1 : a.compareTo(b));
        if (!paths.contains(PROJECT_FILE)) {
            String hint = paths.contains("slate.yml")
                    ? "; found slate.yml, but the project file must be named slate.yaml"
                    : "";
            problems.add(
                    SourceLocation.of(PROJECT_FILE),
                    ErrorCode.MISSING_FILE,
                    "the project has no slate.yaml at its top (it names the project)" + hint);
        }
        ProjectSpecBuilder builder = new ProjectSpecBuilder();
        for (String path : paths) {
            String content = stripBom(files.get(path));
            if (path.endsWith(".sql")) {
                SqlFileParser.parse(path, content, problems, builder);
            } else {
                YamlProjectParser.parse(path, content, path.equals(PROJECT_FILE), problems, builder);
            }
        }
        return new Result(builder.build(), builder.allResolversRead());
    }

    private static String stripBom(String content) {
        return content.startsWith("\uFEFF") ? content.substring(1) : content;
    }

    /** Why a path cannot be part of a project, or empty when it can. */
    static Optional<String> checkPath(String path) {
        if (path.isEmpty()) {
            return Optional.of("a file has an empty name");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("path '" + path + "' has a backslash; use / between folders");
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            return Optional.of("path '" + path + "' is absolute; paths are relative to the project folder");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of(
                        "path '" + path + "' has '" + segment + "'; paths must stay inside the project folder");
            }
            if (segment.isEmpty()) {
                return Optional.of("path '" + path + "' has an empty folder name");
            }
        }
        if (path.chars().anyMatch(c -> c < 0x20)) {
            return Optional.of("path has a control character");
        }
        if (!(path.endsWith(".yaml") || path.endsWith(".yml") || path.endsWith(".sql"))) {
            return Optional.of(
                    "file '" + path
                            + "' has an extension a project cannot hold: a project holds slate.yaml, other *.yaml or *.yml files and *.sql files");
        }
        return Optional.empty();
    }
}
