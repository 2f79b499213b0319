package dev.slate.serving.model.error;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.ProjectProblem;

/**
 * One entry of a failed request's {@code errors} list (docs/specs/rest-contract.md#errors): what was wrong and where.
 * The web layer renders each kind with its own JSON fields.
 */
public sealed interface ErrorDetail {

    /** The reason, safe to show. */
    String message();

    /**
     * A part of the request body: {@code field} is the body field ({@code outputs}, {@code inputs}, {@code rows[3]},
     * {@code recompute}, ...), {@code name} the value or key within it, when there is one.
     */
    record Field(String field, String name, String message) implements ErrorDetail {
        public Field {
            requireNonNull(field, "field is null");
            requireNonNull(message, "message is null");
        }

        /** A problem with the body field as a whole. */
        public static Field of(String field, String message) {
            return new Field(field, null, message);
        }
    }

    /** One problem of an invalid project, at its file, line and column (0 when unknown). */
    record InProject(String file, int line, int column, ErrorCode code, String message) implements ErrorDetail {
        public InProject {
            requireNonNull(file, "file is null");
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
        }

        public static InProject of(ProjectProblem problem) {
            return new InProject(
                    problem.location().file(),
                    problem.location().line(),
                    problem.location().column(),
                    ErrorCode.valueOf(problem.code()),
                    problem.message());
        }
    }

    /** An output feature the caller may not see, with the code of the refusal. */
    record Feature(String feature, ErrorCode code, String message) implements ErrorDetail {
        public Feature {
            requireNonNull(feature, "feature is null");
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
        }
    }
}
