package dev.slate.serving.model;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.compile.ContentHash;
import dev.slate.serving.model.compile.GraphCompiler;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.parse.ProjectReader;
import java.util.Map;
import java.util.Optional;

/**
 * Validates and compiles a feature project (docs/specs/project-format.md) into an immutable {@link FeatureGraph}.
 *
 * <p>Files are given by relative path: {@code slate.yaml} (required), other {@code *.yaml} /
 * {@code *.yml} files contributing {@code sources}, {@code entities} and {@code resolvers}, and
 * {@code *.sql} files each declaring one resolver with comment headers. Every problem in every
 * file is collected and reported together, each with file, line and column.
 */
public final class ProjectCompiler {
    private ProjectCompiler() {}

    /**
     * Compiles a project.
     *
     * @param files relative path to file content
     * @throws ProjectValidationException listing every problem found, sorted by file and line
     */
    public static FeatureGraph compile(Map<String, String> files) throws ProjectValidationException {
        requireNonNull(files, "files is null");
        Problems problems = new Problems();
        ProjectReader.Result read = ProjectReader.read(files, problems);
        Optional<FeatureGraph> graph = read.spec()
                .flatMap(spec -> GraphCompiler.compile(spec, ContentHash.of(files), read.allResolversRead(), problems));
        if (graph.isEmpty() && problems.isEmpty()) {
            problems.add(
                    SourceLocation.of(ProjectReader.PROJECT_FILE),
                    ErrorCode.MISSING_FIELD,
                    "slate.yaml names no project");
        }
        problems.throwIfAny();
        return graph.orElseThrow(() -> new IllegalStateException("no graph and no problem"));
    }

    /** SHA-256 (hex) over the files sorted by path (path, NUL, content, NUL): the graph's {@code contentHash}. */
    public static String contentHash(Map<String, String> files) {
        return ContentHash.of(files);
    }
}
